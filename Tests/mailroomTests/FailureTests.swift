import Foundation
import MailroomTesting
import Testing

/// Permanent failures and uncertain outcomes, produced by the scripted SMTP server.
@Suite("permanent and uncertain outcomes")
struct FailureTests {
    @Test("a 550 at the end of DATA: exit 69, failed, exactly one attempt journaled")
    func permanentFailureIsNotRetried() async throws {
        let server = try TestServer.scripted(#"{"connections": [{"DOT": "550 5.7.1 Message rejected by policy"}]}"#)
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(1, prefix: "evt_550")
        let file = try workspace.write("events.ndjson", events.ndjson)

        let send = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", file])
        #expect(send.status == 69, "\(send)")
        #expect(send.stderr.contains("550"), "\(send)")
        let shown = try await workspace.show(events.ids[0])
        #expect(shown.state == "failed")
        #expect(shown.attempts == 1)
        #expect(shown.journal.filter { $0.kind == "attempt-started" }.count == 1, "\(shown.journal)")
        let attempts = shown.journal.filter { $0.kind == "attempt" }
        #expect(attempts.count == 1, "\(shown.journal)")
        #expect(attempts.first?.classification == "permanent")
        #expect(try server.log().filter { $0["data"] != nil }.count == 1, "the server saw the message more than once")

        // A later replay leaves a failed message alone.
        let replay = try await workspace.run(["replay", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(replay.status == 0, "\(replay)")
        #expect(try server.log().filter { $0["data"] != nil }.count == 1)
    }

    /// The whole message went out, then no reply: it may have arrived.
    static let uncertainScripts = [
        #"{"connections": [{"DOT": {"action": "close"}}]}"#,
        #"{"connections": [{"DOT": {"action": "stall"}}]}"#,
    ]

    @Test("no reply after the final dot: exit 75, uncertain; replay skips it, replay --message --force sends it",
          arguments: uncertainScripts)
    func uncertainIsResentOnlyWhenForced(script: String) async throws {
        let scripted = try TestServer.scripted(script)
        defer { scripted.stop() }
        let workspace = try Workspace(config: ["smtp.reply_timeout": "1s"])
        let events = TestEvents.make(1, prefix: "evt_uncertain")
        let id = events.ids[0]
        let file = try workspace.write("events.ndjson", events.ndjson)
        let scriptedURL = "smtp://127.0.0.1:\(scripted.port)"

        let send = try await workspace.run(["send", "--smtp-url", scriptedURL, file])
        #expect(send.status == 75, "\(send)")
        #expect(try await workspace.show(id).state == "uncertain")
        let dataSeen = try scripted.log().filter { $0["data"] != nil }.count
        #expect(dataSeen == 1)

        let replay = try await workspace.run(["replay", "--smtp-url", scriptedURL])
        #expect(replay.status == 0, "\(replay)")
        #expect(try scripted.log().filter { $0["data"] != nil }.count == dataSeen, "plain replay resent an uncertain message")
        #expect(try await workspace.show(id).state == "uncertain")

        let capture = try TestServer.capture()
        defer { capture.stop() }
        let forced = try await workspace.run(["replay", "--message", id, "--force", "--smtp-url", "smtp://127.0.0.1:\(capture.port)"])
        #expect(forced.status == 0, "\(forced)")
        let captured = try capture.capturedMessages()
        #expect(captured.count == 1)
        #expect(captured.first?.bytes == (try workspace.storedMessage(id)))
        let shown = try await workspace.show(id)
        #expect(shown.state == "sent")
        #expect(shown.journal.filter { $0.kind == "attempt" }.count == 2, "\(shown.journal)")
    }
}
