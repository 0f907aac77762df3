import Foundation
import MailroomTesting
import Testing

/// `mailroom send` against aiosmtpd: what arrives is exactly what the outbox holds.
@Suite("send delivers to a real SMTP server")
struct SendDeliveryTests {
    @Test("every event type in en and de arrives byte-exact, once; sending the file again sends nothing")
    func deliversEachEventOnceByteExact() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(12, prefix: "evt_send")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let url = "smtp://127.0.0.1:\(server.port)"

        let first = try await workspace.run(["send", "--smtp-url", url, file])
        #expect(first.status == 0, "\(first)")

        let listed = try await workspace.list()
        #expect(Set(listed.map(\.eventId)) == Set(events.ids))
        #expect(Set(listed.map { "\($0.template)/\($0.locale ?? "-")" }).count == 6, "3 templates x 2 locales")
        let captured = try server.capturedMessages()
        #expect(captured.count == events.ids.count)
        let byMessageID = Dictionary(grouping: captured) { $0.messageID ?? "" }
        for record in listed {
            #expect(record.state == "sent", "\(record.eventId)")
            let copies = byMessageID[record.messageId] ?? []
            #expect(copies.count == 1, "\(record.eventId) (\(record.messageId)) captured \(copies.count) times")
            guard let copy = copies.first else { continue }
            let stored = try workspace.storedMessage(record.eventId)
            #expect(copy.bytes == stored, "\(record.eventId): captured bytes differ from outbox message.eml")
            #expect(copy.mailFrom == "accounts@example.com")
            #expect(copy.recipients == [events.recipients[record.eventId] ?? "?"])
        }
        let status = try await workspace.status()
        #expect(status.count("sent") == events.ids.count)
        #expect(status.total == events.ids.count)

        // An at-least-once producer delivers the same file again: every event is a duplicate.
        let second = try await workspace.run(["send", "--smtp-url", url, file])
        #expect(second.status == 0, "\(second)")
        for id in events.ids {
            #expect(second.stderr.contains("duplicate event \(id) "), "no duplicate report for \(id): \(second)")
        }
        #expect(server.capturedCount() == events.ids.count, "a duplicate was sent again")
        let after = try await workspace.status()
        #expect(after.count("sent") == events.ids.count)
        #expect(after.duplicates == events.ids.count)
    }

    @Test("invalid events are reported with their id or line and JSON path; the valid ones are delivered")
    func invalidEventsAreSetAside() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let valid = TestEvents.make(6, prefix: "evt_ok")
        var lines = valid.ndjson.split(separator: "\n").map(String.init)
        let badAmount = TestEvents.line(id: "evt_bad_amount", type: "account.balance_outstanding", locale: "en",
                                        email: "x@example.org", n: 1)
            .replacingOccurrences(of: #""amount":"1.75""#, with: #""amount":1.75"#)
        let badEmail = TestEvents.line(id: "evt_bad_email", type: "account.closed", locale: "de", email: "not-an-address", n: 2)
        lines.insert(badAmount, at: 1)  // line 2
        lines.insert("{\"id\": \"evt_truncated\", \"type\": ", at: 3)  // line 4: not JSON
        lines.insert(badEmail, at: 5)  // line 6
        let file = try workspace.write("mixed.ndjson", lines.map { $0 + "\n" }.joined())

        let result = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", file])
        #expect(result.status == 65, "\(result)")
        let stderr = result.stderr
        #expect(stderr.contains("invalid event evt_bad_amount (line 2 of \(file)): $.data.balance.amount:"), "\(result)")
        #expect(stderr.contains("invalid event evt_bad_email (line 6 of \(file)): $.account.email:"), "\(result)")
        #expect(stderr.contains("line 4 of \(file)"), "\(result)")

        let counts = try server.capturedCountsByMessageID()
        let listed = try await workspace.list()
        #expect(Set(listed.map(\.eventId)) == Set(valid.ids))
        for record in listed {
            #expect(record.state == "sent")
            #expect(counts[record.messageId] == 1)
        }
        #expect(server.capturedCount() == valid.ids.count)
        let status = try await workspace.status()
        #expect(status.count("sent") == 6)
        #expect(status.rejected == 3)
        #expect(status.count("sent") + status.rejected + status.duplicates == lines.count, "every input line accounted for")
    }
}
