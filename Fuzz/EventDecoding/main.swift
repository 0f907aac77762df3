import Foundation
#if canImport(Glibc)
import Glibc
#endif

// libFuzzer target for event decoding, compiled together with Sources/Mailroom/Events and
// Addressing (see Fuzz/run.sh). Two properties per input:
//  1. EventDecoder never crashes; what it accepts obeys the contract (valid id, ASCII
//     addr-spec, a display name that can go into a header), decoding is deterministic, and what
//     it refuses is explained in one bounded line without raw control characters (it is
//     printed on the operator's terminal and logged).
//  2. EventStreamReader splits the input into exactly the lines a trivial reference splitter
//     finds (blank lines skipped, CRLF trimmed, overlong lines reported with their length),
//     whatever the chunk size and line limit (both taken from the first two input bytes).

@_cdecl("LLVMFuzzerTestOneInput")
public func eventDecodingFuzz(_ start: UnsafePointer<UInt8>, _ count: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: start, count: count))
    checkDecoder(bytes)
    checkStreamReader(bytes)
    return 0
}

func violated(_ what: String, _ bytes: [UInt8]) -> Never {
    let excerpt = bytes.prefix(200).map { String(format: "%02x", $0) }.joined()
    FileHandle.standardError.write(Data("INVARIANT VIOLATED: \(what)\ninput (hex, first 200 bytes): \(excerpt)\n".utf8))
    abort()
}

func checkDecoder(_ bytes: [UInt8]) {
    let decoder = EventDecoder()
    do {
        let event = try decoder.decode(bytes, lineNumber: 7, source: "fuzz.ndjson")
        if EventDecoder.idProblem(event.id) != nil { violated("accepted an invalid id \(event.id.debugDescription)", bytes) }
        if event.id.utf8.count > EventDecoder.maxIDLength { violated("accepted an id over 128 bytes", bytes) }
        if let problem = AddressSpec.problem(with: event.account.email) {
            violated("accepted an invalid address: \(problem)", bytes)
        }
        if let name = event.account.name, SafeText.forbiddenCharacter(in: name) != nil {
            violated("accepted a display name with a control character", bytes)
        }
        do {
            _ = try Mailbox(address: event.account.email, displayName: event.account.name)
        } catch {
            violated("an accepted account cannot become a mailbox: \(error)", bytes)
        }
        guard let again = try? decoder.decode(bytes, lineNumber: 7, source: "fuzz.ndjson"), again == event else {
            violated("decoding the same bytes twice gave different results", bytes)
        }
    } catch {
        if error.problems.isEmpty { violated("a refusal without a problem", bytes) }
        if error.line != 7 || error.source != "fuzz.ndjson" { violated("a refusal that lost its line or source", bytes) }
        let text = error.description
        if let bad = text.unicodeScalars.first(where: { SafeText.isForbiddenInLine($0) }) {
            violated("an error message holds \(SafeText.describe(bad)): \(text.debugDescription.prefix(300))", bytes)
        }
        if text.utf8.count > 64 * 1024 { violated("an error message of \(text.utf8.count) bytes", bytes) }
        if let id = error.eventID, EventDecoder.idProblem(id) != nil {
            violated("a refusal names an invalid id", bytes)
        }
    }
}

/// What EventStreamReader must return, computed the obvious way.
func referenceLines(_ input: [UInt8], maxLineLength: Int) -> [EventStreamReader.Line] {
    var segments = input.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map(Array.init)
    if segments.last?.isEmpty == true { segments.removeLast() }
    var lines: [EventStreamReader.Line] = []
    for (index, segment) in segments.enumerated() {
        var line = segment
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        if line.count > maxLineLength {
            lines.append(.overlong(number: index + 1, length: line.count))
        } else if !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            lines.append(.line(number: index + 1, bytes: line))
        }
    }
    return lines
}

func checkStreamReader(_ data: [UInt8]) {
    guard data.count >= 2 else { return }
    let chunkSize = Int(data[0] % 16) + 1
    let maxLineLength = Int(data[1] % 64) + 1
    let input = Array(data.dropFirst(2))
    guard input.count < 60_000 else { return }  // must fit in the pipe before anyone reads
    var fds: [Int32] = [0, 0]
    guard pipe(&fds) == 0 else { violated("pipe() failed", data) }
    defer { close(fds[0]) }
    let written = input.withUnsafeBytes { write(fds[1], $0.baseAddress, $0.count) }
    close(fds[1])
    if written != input.count { violated("short write to the pipe", data) }
    var reader = EventStreamReader(fileDescriptor: fds[0], maxLineLength: maxLineLength, chunkSize: chunkSize)
    var lines: [EventStreamReader.Line] = []
    do {
        while let line = try reader.next() { lines.append(line) }
    } catch {
        violated("the reader failed on a pipe: \(error)", data)
    }
    let expected = referenceLines(input, maxLineLength: maxLineLength)
    if lines != expected {
        violated("reader (chunk \(chunkSize), limit \(maxLineLength)) returned \(lines.prefix(6)), expected \(expected.prefix(6))", data)
    }
}
