import Foundation
import MailroomTesting
import Testing

/// The hostile-input corpus (Tests/Hostile, made by generate.py) through the real `mailroom send`.
///
/// Per case: the outcome its manifest expects (a rejection naming the file, line and field, or a
/// delivered message), and never a crash, a hang, a file outside the outbox, a header not in the
/// usual set, a recipient other than the event's address, or an SMTP command data could forge.
@Suite("Hostile input through mailroom send", .serialized)
struct HostileInputTests {
    struct Expectation: Decodable {
        var line: Int
        /// accepted, rejected, duplicate, or either (the contract leaves it open; not a crash).
        var outcome: String
        var event_id: String?
        var email: String?
        var display_name: String?
        var path: String?
        var message: String?
        var text_contains: [String]?
        var html_absent: [String]?
        var subject_contains: [String]?
    }

    struct Case {
        var file: String
        var expectations: [Expectation]
    }

    static let corpus = TestServer.packageRoot.appendingPathComponent("Tests/Hostile/corpus")
    static let generator = TestServer.packageRoot.appendingPathComponent("Tests/Hostile/generate.py")
    static let sender = "MAIL FROM:<accounts@example.com>"
    static let headers = ["Date", "From", "Reply-To", "To", "Subject", "Message-ID", "MIME-Version", "Content-Type",
                          "Content-Language", "Auto-Submitted"]
    static let partHeaders = [["Content-Type", "Content-Transfer-Encoding"], ["Content-Type", "Content-Transfer-Encoding"]]
    /// Where `../../etc/passwd`-like ids would land if the outbox followed them.
    static let absoluteTarget = "/tmp/mailroom-hostile-abs"

    static func cases(in directory: URL) throws -> [Case] {
        let data = try Data(contentsOf: directory.appendingPathComponent("manifest.json"))
        let manifest = try JSONDecoder().decode([String: [Expectation]].self, from: data)
        return manifest.keys.sorted().map { Case(file: directory.appendingPathComponent($0).path, expectations: manifest[$0] ?? []) }
    }

    static func python(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw HostileHarness.Failure(description: "python \(arguments) failed") }
        return data
    }

    @Test func corpusEndsInAClearErrorOrACorrectMessage() throws {
        let harness = try HostileHarness()
        let generated = harness.root.appendingPathComponent("generated")
        _ = try Self.python([Self.generator.path, "--runtime", generated.path])
        let committed = try Self.cases(in: Self.corpus)
        #expect(committed.count >= 200)
        let all = committed + (try Self.cases(in: generated))
        try? FileManager.default.removeItem(atPath: Self.absoluteTarget)
        let corpusBefore = HostileHarness.tree(Self.corpus)
        let passwdBefore = try? FileManager.default.attributesOfItem(atPath: "/etc/passwd")[.modificationDate] as? Date
        let before = HostileHarness.tree(harness.root)

        let outcome = try harness.send(all.map(\.file), limit: .seconds(900))

        #expect(!outcome.killedBySignal, "mailroom crashed or hung")
        #expect(outcome.exitCode == 65, "exit code \(String(describing: outcome.exitCode)); only 0 or 65 are acceptable here")
        try Self.checkFiles(harness, before: before)
        #expect(HostileHarness.tree(Self.corpus) == corpusBefore, "the corpus directory changed")
        #expect(!FileManager.default.fileExists(atPath: Self.absoluteTarget))
        #expect(passwdBefore == (try? FileManager.default.attributesOfItem(atPath: "/etc/passwd")[.modificationDate] as? Date))
        try Self.verify(all, harness: harness, stderr: outcome.stderr)
    }

    @Test func millionLineStdinIsReadInBoundedTime() throws {
        let harness = try HostileHarness()
        let input = harness.root.appendingPathComponent("million.ndjson")
        let counts = try JSONSerialization.jsonObject(
            with: Self.python([Self.generator.path, "--million", input.path])) as? [String: Int] ?? [:]
        let valid = try #require(counts["valid"]), invalid = try #require(counts["invalid"])
        let before = HostileHarness.tree(harness.root)

        let outcome = try harness.send(["-"], stdin: input, limit: .seconds(900))

        #expect(!outcome.killedBySignal, "mailroom crashed or hung")
        #expect(outcome.exitCode == 65)
        try Self.checkFiles(harness, before: before)
        let rejected = try harness.rejected()
        #expect(rejected.count == invalid)
        #expect(rejected.allSatisfy { $0.source == "-" && $0.line % 100 == 0 && $0.line % 10_000 != 0 })
        let stored = try harness.storedMessages()
        #expect(stored.count == valid)
        #expect(stored.values.allSatisfy { $0.state == "sent" })
        let transcript = try harness.transcript()
        #expect(transcript.unexpected == [])
        #expect(transcript.transactions.count == valid)
        let byMessageID = Dictionary(grouping: transcript.transactions) { $0.message.message_id ?? "" }
        for (eventID, message) in stored {
            let line = eventID.dropFirst("stdin-".count)
            let sent = byMessageID[message.meta.message_id] ?? []
            #expect(sent.count == 1, "\(eventID) delivered \(sent.count) times")
            guard let transaction = sent.first else { continue }
            #expect(transaction.rcpt == ["RCPT TO:<s\(line)@example.com>"])
            // Every event here is a closure confirmation, which carries its deadline.
            #expect(transaction.message.header_names == Self.headers + ["Expires"])
            #expect(transaction.message.wire == [])
        }
    }

    /// Nothing created outside the outbox (only the test's own files), no symlink in it, and
    /// nothing in it but the database and SQLite's own files beside it.
    static func checkFiles(_ harness: HostileHarness, before: Set<String>) throws {
        let after = HostileHarness.tree(harness.root)
        let outside = after.filter { $0 != "outbox" && !$0.hasPrefix("outbox/") }
        #expect(outside.subtracting(before).subtracting(["stderr.txt"]) == [], "files created outside the outbox")
        let databaseFiles: Set<String> = ["outbox/outbox.sqlite", "outbox/outbox.sqlite-wal", "outbox/outbox.sqlite-shm"]
        for path in after where path.hasPrefix("outbox/") {
            let url = harness.root.appendingPathComponent(path)
            let type = try FileManager.default.attributesOfItem(atPath: url.path)[.type] as? FileAttributeType
            #expect(type != .typeSymbolicLink, "symlink \(path)")
            #expect(databaseFiles.contains(path), "unexpected path \(path) in the outbox")
        }
    }
}
