import Foundation
import Mailroom
import MailroomSQLite
import MailroomTesting
import Testing

/// SQLite only: after a prune, the redacted personal data is nowhere in the database's files, and
/// the prune's statements walk the partial indexes.
@Suite struct SQLiteRetentionTests {
    let place: TemporaryDirectory
    let clock = ManualTestClock()

    init() throws {
        place = try TemporaryDirectory()
    }

    /// A large message (overflow pages) full of personal data, in the outbox's own encoding.
    static func personal(_ id: String, address: String, name: String, state: MessageState,
                         balance: String = "98765.43") -> NewMessage {
        var message = OutboxFixtures.message(id, state: state)
        message.composed.envelope.recipients = [address]
        let body = String(repeating: "Dear \(name), your balance of EUR \(balance) is waiting.\r\n", count: 200)
        message.composed.bytes = Array("To: \(name) <\(address)>\r\nSubject: for \(name)\r\n\r\n\(body)".utf8)
        message.sourceEvent = Array(#"{"id":"\#(id)","account":{"email":"\#(address)","name":"\#(name)"},"data":{"balance":{"amount":"\#(balance)"}}}"#.utf8)
        return message
    }

    func fileBytes() throws -> [UInt8] {
        var all: [UInt8] = []
        for file in OutboxFixtures.entries(place.outboxPath) {
            all += Array(try Data(contentsOf: URL(fileURLWithPath: place.outboxPath + "/" + file)))
        }
        return all
    }

    static func contains(_ haystack: [UInt8], _ needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard needle.count <= haystack.count else { return false }
        return (0...(haystack.count - needle.count)).contains { start in
            haystack[start] == needle[0] && Array(haystack[start..<(start + needle.count)]) == needle
        }
    }

    @Test func nothingOfARedactedMessageRemainsInTheFiles() throws {
        let store = try SQLiteOutboxStore(directory: place.outboxPath, clock: clock.closure)
        let secrets = ["zed.secret@example.org", "Zed Secretname", "98765.43"]
        for n in 0..<20 {
            _ = try store.store([Self.personal("evt_\(n)", address: "zed.secret@example.org", name: "Zed Secretname",
                                               state: n % 2 == 0 ? .sent : .expired)], leasingTo: nil)
        }
        // Still waiting: kept whole, and its data is elsewhere in the file.
        _ = try store.store([Self.personal("evt_waiting", address: "kept.person@example.net", name: "Kept Person",
                                           state: .deferred, balance: "11.11")], leasingTo: nil)
        try store.sync()
        let before = try fileBytes()
        for secret in secrets {
            let present = Self.contains(before, secret)
            #expect(present, "'\(secret)' is not in the file to begin with")
        }

        clock.advance(by: 91 * 86_400)
        let hashes = RedactionHashes(recipient: { "h-" + $0.count.description }, content: { "d-\($0.count)" })
        let report = try store.prune(PruneRequest(redactBefore: clock.now, deleteBefore: nil, hashes: hashes, batchSize: 7))
        #expect(report.redacted == 20)
        let after = try fileBytes()
        for secret in secrets {
            let present = Self.contains(after, secret)
            #expect(!present, "'\(secret)' is still in the outbox's files")
        }
        let kept = Self.contains(after, "kept.person@example.net")
        #expect(kept, "the waiting message lost its data")
    }

    @Test func deletingLeavesNoTraceEither() throws {
        let store = try SQLiteOutboxStore(directory: place.outboxPath, clock: clock.closure)
        for n in 0..<10 {
            _ = try store.store([Self.personal("evt_\(n)", address: "gone.person@example.org", name: "Gone Person",
                                               state: .failed)], leasingTo: nil)
        }
        try store.sync()
        clock.advance(by: 3651 * 86_400)
        let hashes = RedactionHashes(recipient: { $0 }, content: { "\($0.count)" })
        let report = try store.prune(PruneRequest(redactBefore: nil, deleteBefore: clock.now, hashes: hashes))
        #expect(report.deleted == 10)
        let after = try fileBytes()
        for secret in ["gone.person@example.org", "Gone Person"] {
            let present = Self.contains(after, secret)
            #expect(!present, "'\(secret)' is still in the outbox's files")
        }
    }
}
