import Foundation
import MailroomTesting
import Testing

/// What `replay` tells an operator about the messages it leaves alone.
@Suite("replay: dry runs need no --force; uncertain messages are pointed out")
struct ReplayGuidanceTests {
    /// One message failed (550 after the data), one uncertain (closed before the final reply).
    static let script = #"""
    {"connections": [{"DOT": ["550 5.7.1 refused by policy", {"action": "close"}]}, {"DOT": {"action": "close"}}]}
    """#

    @Test("replay --state failed --dry-run lists without --force; a plain replay counts the uncertain ones")
    func dryRunAndUncertainNote() async throws {
        let server = try TestServer.scripted(Self.script)
        defer { server.stop() }
        let workspace = try Workspace(config: ["smtp.connections": "1", "smtp.reply_timeout": "1s"])
        let events = TestEvents.make(2, prefix: "evt_guide")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let url = "smtp://127.0.0.1:\(server.port)"
        let send = try await workspace.run(["send", "--smtp-url", url, file])
        #expect(send.status == 69, "\(send)")
        let failed = try await workspace.list(state: "failed")
        #expect(failed.count == 1)
        #expect(try await workspace.list(state: "uncertain").count == 1)
        let seen = try server.log().filter { $0["data"] != nil }.count

        let dryRun = try await workspace.run(["replay", "--state", "failed", "--dry-run", "--smtp-url", url])
        #expect(dryRun.status == 0, "\(dryRun)")
        #expect(dryRun.stdoutLines.map { $0.split(separator: "\t").first.map(String.init) } == [failed.first?.eventId])
        #expect(try server.log().filter { $0["data"] != nil }.count == seen, "a dry run delivered something")

        let notForced = try await workspace.run(["replay", "--state", "failed", "--smtp-url", url])
        #expect(notForced.status == 64, "\(notForced)")

        let replay = try await workspace.run(["replay", "--smtp-url", url])
        #expect(replay.status == 0, "\(replay)")
        #expect(replay.stderr.contains("1 uncertain message(s) not replayed"), "\(replay)")
        #expect(replay.stderr.contains("mailroom outbox list --state uncertain"), "\(replay)")
        #expect(replay.stderr.contains("--force"), "\(replay)")
        #expect(try server.log().filter { $0["data"] != nil }.count == seen)
    }
}
