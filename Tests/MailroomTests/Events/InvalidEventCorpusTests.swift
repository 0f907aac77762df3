import Foundation
import Testing
@testable import Mailroom

/// One file of Fixtures/invalid-events and what its rejection must say.
struct InvalidEventFixture: Sendable, CustomTestStringConvertible {
    var file: String
    /// Every problem path expected, no more and no fewer.
    var paths: [String]
    /// A substring of at least one problem message.
    var message: String
    /// The id the error must name, or nil when the event had no valid id.
    var eventID: String?

    var testDescription: String { file }

    static let directory: URL? = Bundle.module
        .url(forResource: "Fixtures", withExtension: nil)?
        .appendingPathComponent("invalid-events", isDirectory: true)

    /// The corpus as listed in expectations.json; empty if it cannot be read (a separate test
    /// fails in that case, so an unreadable corpus cannot pass silently).
    static func all() -> [InvalidEventFixture] {
        guard let directory,
              let data = try? Data(contentsOf: directory.appendingPathComponent("expectations.json")),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: [String: Any]]
        else { return [] }
        return object.keys.sorted().compactMap { file in
            guard let entry = object[file], let paths = entry["paths"] as? [String],
                  let message = entry["message"] as? String
            else { return nil }
            return InvalidEventFixture(file: file, paths: paths, message: message, eventID: entry["eventID"] as? String)
        }
    }

    /// The file's bytes without the one line terminator, as ``EventStreamReader`` would give them.
    func line() throws -> [UInt8] {
        let url = try #require(Self.directory).appendingPathComponent(file)
        var bytes = [UInt8](try Data(contentsOf: url))
        if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
        return bytes
    }
}

@Suite("EventDecoder: invalid event corpus")
struct InvalidEventCorpusTests {
    @Test func corpusIsLoadedFromTheBundleAndComplete() throws {
        let directory = try #require(InvalidEventFixture.directory)
        let fixtures = InvalidEventFixture.all()
        #expect(fixtures.count >= 40)
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".jsonl") }
        #expect(Set(files) == Set(fixtures.map(\.file)), "every fixture file has expectations and vice versa")
    }

    @Test(arguments: InvalidEventFixture.all())
    func isRejected(_ fixture: InvalidEventFixture) throws {
        let line = try fixture.line()
        do {
            let event = try EventDecoder().decode(line, lineNumber: 7, source: "corpus.ndjson")
            Issue.record("accepted as \(event)")
        } catch {
            #expect(error.problems.map(\.path).sorted() == fixture.paths.sorted())
            #expect(error.problems.contains { $0.message.contains(fixture.message) },
                    "no message contains \(fixture.message): \(error.problems)")
            #expect(error.eventID == fixture.eventID)
            #expect(error.line == 7)
            #expect(error.source == "corpus.ndjson")
            Self.expectPrintable(error)
        }
    }

    /// Messages are safe to print: no control or separator characters, nothing huge.
    static func expectPrintable(_ error: EventValidationError, sourceLocation: SourceLocation = #_sourceLocation) {
        let text = error.description
        let unsafe = text.unicodeScalars.first { scalar in
            scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
                || (0x202A...0x202E).contains(scalar.value)
        }
        #expect(unsafe == nil, "unsafe character in \(text.debugDescription)", sourceLocation: sourceLocation)
        #expect(text.utf8.count < 4000, "message of \(text.utf8.count) bytes", sourceLocation: sourceLocation)
    }
}
