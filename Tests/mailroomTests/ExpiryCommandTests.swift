import Foundation
import MailroomTesting
import Testing

/// Expired messages through the binary: never sent, counted as handled (exit 0), in `outbox status`.
@Suite("messages that expire, through the CLI")
struct ExpiryCommandTests {
    static func withdrawal(_ id: String, withdrawBy: String) -> String {
        #"{"id":"\#(id)","type":"account.balance_outstanding","occurred_at":"2026-01-01T09:20:00Z","account":{"id":"acc_1","email":"ada@example.com","locale":"en"},"data":{"balance":{"amount":"10.00","currency":"EUR"},"withdraw_by":"\#(withdrawBy)"}}"#
    }

    @Test("send: late events are stored expired and never reach the relay; the run exits 0; status counts them")
    func lateEventsExpire() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let input = try workspace.write("events.ndjson", [
            Self.withdrawal("evt_late_1", withdrawBy: "2026-01-02T00:00:00Z"),
            Self.withdrawal("evt_late_2", withdrawBy: "2026-01-03T00:00:00Z"),
            Self.withdrawal("evt_future", withdrawBy: "2099-01-01T00:00:00Z"),
        ].joined(separator: "\n") + "\n")
        let result = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", input])
        #expect(result.status == 0, "\(result)")
        #expect(result.stderr.contains("expired 2"), "\(result)")
        let captured = try server.capturedMessages()
        #expect(captured.count == 1)
        #expect(captured.first.flatMap { TestServer.headerValue("Expires", in: $0.bytes) } == "Thu, 1 Jan 2099 00:00:00 +0000")

        let status = try await workspace.status()
        #expect(status.count("expired") == 2 && status.count("sent") == 1, "\(status)")
        let text = try await workspace.run(["outbox", "status"])
        #expect(text.stdout.contains("expired 2"), "\(text)")
        let listed = try await workspace.list(state: "expired")
        #expect(Set(listed.map(\.eventId)) == ["evt_late_1", "evt_late_2"])
        let shown = try await workspace.run(["outbox", "show", "evt_late_1"])
        #expect(shown.stdout.contains("data.withdraw_by 2026-01-02T00:00:00Z"), "\(shown)")

        // A plain replay leaves them; --state expired needs --force; --force sends on purpose.
        let plain = try await workspace.run(["replay", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(plain.status == 0, "\(plain)")
        #expect(try server.capturedMessages().count == 1)
        let refused = try await workspace.run(["replay", "--state", "expired", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(refused.status == 64 && refused.stderr.contains("--force"), "\(refused)")
        let forced = try await workspace.run(["replay", "--message", "evt_late_1", "--force",
                                              "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(forced.status == 0, "\(forced)")
        #expect(try server.capturedMessages().count == 2)
        let after = try await workspace.status()
        #expect(after.count("expired") == 1 && after.count("sent") == 2, "\(after)")
    }
}
