import Foundation
import Synchronization
import Testing
@testable import Mailroom

@Suite("EventStreamReader")
struct EventStreamReaderTests {
    /// All lines of `input`, written to a pipe at once and read back with the given limits.
    func lines(_ input: String, maxLineLength: Int = 1 << 20, chunkSize: Int = 64 * 1024) throws -> [EventStreamReader.Line] {
        try lines(Array(input.utf8), maxLineLength: maxLineLength, chunkSize: chunkSize)
    }

    func lines(_ input: [UInt8], maxLineLength: Int = 1 << 20, chunkSize: Int = 64 * 1024) throws -> [EventStreamReader.Line] {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        let data = Data(input)
        // A thread, so that input larger than the pipe buffer cannot deadlock the test.
        let thread = Thread {
            writer.write(data)
            try? writer.close()
        }
        thread.start()
        var reader = EventStreamReader(fileHandle: pipe.fileHandleForReading, maxLineLength: maxLineLength, chunkSize: chunkSize)
        var result: [EventStreamReader.Line] = []
        while let line = try reader.next() { result.append(line) }
        return result
    }

    static func line(_ number: Int, _ text: String) -> EventStreamReader.Line {
        .line(number: number, bytes: Array(text.utf8))
    }

    @Test(arguments: [1, 2, 3, 7, 64 * 1024])
    func splitsLinesAtEveryChunkSize(chunkSize: Int) throws {
        let input = "{\"a\":1}\n\n{\"b\":2}\r\n  \t \r\n{\"c\":3}\n\r\nlast without newline"
        #expect(try lines(input, chunkSize: chunkSize) == [
            Self.line(1, "{\"a\":1}"),
            Self.line(3, "{\"b\":2}"),
            Self.line(5, "{\"c\":3}"),
            Self.line(7, "last without newline"),
        ])
    }

    @Test func emptyInputAndBlankOnlyInputYieldNothing() throws {
        #expect(try lines("").isEmpty)
        #expect(try lines("\n\r\n  \n\t").isEmpty)
    }

    @Test func onlyTheFinalCarriageReturnIsStripped() throws {
        #expect(try lines("a\rb\r\r\n") == [Self.line(1, "a\rb\r")])
    }

    @Test(arguments: [1, 5, 64 * 1024])
    func overlongLinesAreReportedAndSkipped(chunkSize: Int) throws {
        let long = String(repeating: "x", count: 100)
        let input = "short\n\(long)\nafter\n\(long)\r\n" + String(repeating: "y", count: 16) + "\r\n"
            + String(repeating: "z", count: 17) + "\n" + long
        #expect(try lines(input, maxLineLength: 16, chunkSize: chunkSize) == [
            Self.line(1, "short"),
            .overlong(number: 2, length: 100),
            Self.line(3, "after"),
            .overlong(number: 4, length: 100),
            Self.line(5, String(repeating: "y", count: 16)),
            .overlong(number: 6, length: 17),
            .overlong(number: 7, length: 100),
        ])
    }

    @Test func decodingTheStreamNamesEachLine() throws {
        let valid = EventDecoderTests.closed
        let input = valid + "\n" + String(repeating: "[", count: 40) + "\n\n" + valid.replacingOccurrences(of: "evt_03CLS", with: "evt_04") + "\r\n"
        let results = try lines(input, maxLineLength: valid.utf8.count + 5).map { line -> Result<Event, EventValidationError> in
            do throws(EventValidationError) {
                return .success(try EventDecoder().decode(line, source: "-"))
            } catch {
                return .failure(error)
            }
        }
        #expect(results.count == 3)
        #expect((try? results[0].get())?.id == "evt_03CLS")
        #expect((try? results[2].get())?.id == "evt_04")
        guard case .failure(let error) = results[1] else {
            Issue.record("line 2 accepted")
            return
        }
        #expect(error.line == 2)
        #expect(error.source == "-")
        #expect(error.problems.first?.message.contains("nested deeper") == true)
    }

    @Test func anOverlongLineBecomesAValidationError() {
        #expect(throws: EventValidationError(line: 4, source: "in.ndjson", problems: [
            .init(path: "$", message: "the line is 2000000 bytes long, over the size limit for one event; it was skipped unread"),
        ])) {
            try EventDecoder().decode(EventStreamReader.Line.overlong(number: 4, length: 2_000_000), source: "in.ndjson")
        }
    }

    @Test func aLineOfThreeMebibytesIsSkippedWithTheDefaultLimit() throws {
        var input = Array("{\"first\":1}\n".utf8)
        input += [UInt8](repeating: UInt8(ascii: "q"), count: 3 << 20)
        input += Array("\n{\"next\":2}\n".utf8)
        #expect(try lines(input) == [
            Self.line(1, "{\"first\":1}"),
            .overlong(number: 2, length: 3 << 20),
            Self.line(3, "{\"next\":2}"),
        ])
    }

    /// The writer sends one line and then waits, with the pipe still open, until the reader has
    /// returned it. A reader that waited for end of input would make the writer give up waiting
    /// and close, and the flag would show it.
    @Test func yieldsEachLineBeforeTheWriterCloses() throws {
        let pipe = Pipe()
        let writer = pipe.fileHandleForWriting
        let firstLineReturned = DispatchSemaphore(value: 0)
        let writerSawLineReturned = Flag()
        let thread = Thread {
            writer.write(Data("{\"n\":1}\n{\"n\":".utf8))
            let outcome = firstLineReturned.wait(timeout: .now() + 20)
            writerSawLineReturned.value.withLock { $0 = outcome == .success }
            writer.write(Data("2}\n".utf8))
            try? writer.close()
        }
        thread.start()
        var reader = EventStreamReader(fileHandle: pipe.fileHandleForReading)
        let first = try reader.next()
        firstLineReturned.signal()
        #expect(first == Self.line(1, "{\"n\":1}"))
        #expect(try reader.next() == Self.line(2, "{\"n\":2}"))
        #expect(try reader.next() == nil)
        #expect(writerSawLineReturned.value.withLock { $0 } == true)
    }

    @Test func readsAMillionLines() throws {
        let lineCount = 1_000_000
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-lines-\(UUID().uuidString).ndjson")
        defer { try? FileManager.default.removeItem(at: url) }
        var content = [UInt8]()
        content.reserveCapacity(lineCount * 14)
        for index in 1...lineCount { content += Array("{\"n\":\(index)}\n".utf8) }
        try Data(content).write(to: url)
        content = []
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var reader = EventStreamReader(fileHandle: handle)
        let started = ContinuousClock.now
        var count = 0
        var last: EventStreamReader.Line?
        while let line = try reader.next() {
            count += 1
            last = line
        }
        print("EventStreamReader: \(count) lines read in \(ContinuousClock.now - started) (debug build)")
        #expect(count == lineCount)
        #expect(last == Self.line(lineCount, "{\"n\":\(lineCount)}"))
    }

    @Test func aReadErrorIsThrown() {
        var reader = EventStreamReader(fileDescriptor: -1)
        #expect(throws: EventStreamError(code: .readFailed, message: "could not read the event stream: Bad file descriptor", errno: .badFileDescriptor)) {
            try reader.next()
        }
    }
}

/// Shared between the test and its writer thread.
private final class Flag: Sendable {
    let value = Mutex<Bool?>(nil)
}
