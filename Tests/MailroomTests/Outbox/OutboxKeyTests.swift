import Foundation
import Mailroom
import Testing

@Suite struct OutboxKeyTests {
    @Test(arguments: ["evt_01HZX3K9", "a:b-c.d_e", "A", String(repeating: "x", count: 128)])
    func contractIDsAreTheirOwnKey(_ id: String) throws {
        #expect(try OutboxKey.make(for: id) == id)
    }

    @Test(arguments: [
        (".", "%2E"), ("..", "%2E."), (".hidden", "%2Ehidden"), ("../../etc/passwd", "%2E.%2F..%2Fetc%2Fpasswd"),
        ("a/b", "a%2Fb"), ("%2E", "%252E"), ("a b", "a%20b"),
    ])
    func unsafeIDsAreEscaped(_ id: String, _ expected: String) throws {
        let key = try OutboxKey.make(for: id)
        #expect(key == expected)
        #expect(!key.contains("/"))
        #expect(!key.hasPrefix("."))
    }

    @Test func keysAreInjective() throws {
        let ids = [".", "%2E", "..", "%2E.", "a/b", "a%2Fb", "a:b", "a%3Ab"]
        let keys = try ids.map { id throws(OutboxError) in try OutboxKey.make(for: id) }
        #expect(Set(keys).count == ids.count)
    }

    @Test func emptyAndOverlongIDsAreRefused() {
        #expect(throws: OutboxError.self) { try OutboxKey.make(for: "") }
        let error = #expect(throws: OutboxError.self) { try OutboxKey.make(for: String(repeating: "/", count: 100)) }
        #expect(error?.code == .invalidEventID)
    }

    @Test func traversalIDsStayInsideMessages() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        for id in ["..", ".", "../../etc/passwd", "../escape", ".hidden"] {
            #expect(try outbox.store(OutboxFixtures.message(id)) == .stored(eventID: id, key: try OutboxKey.make(for: id)))
            #expect(try outbox.messageBytes(eventID: id) == OutboxFixtures.message(id).composed.bytes)
        }
        #expect(OutboxFixtures.entries(dir.path) == ["outbox"])
        #expect(OutboxFixtures.entries(dir.outboxPath) == ["messages", "quarantine", "tmp"])
        #expect(
            OutboxFixtures.entries("\(dir.outboxPath)/messages")
                == ["%2E", "%2E.", "%2E.%2F..%2Fetc%2Fpasswd", "%2E.%2Fescape", "%2Ehidden"])
        #expect(try outbox.records().count == 5)
    }
}
