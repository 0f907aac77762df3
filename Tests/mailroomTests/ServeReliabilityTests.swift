import Foundation
import MailroomTesting
import Testing

/// `mailroom serve` over time: retries when due without any other command, the retry lifetime,
/// a relay outage and its end, two processes on one outbox, and a stop while the relay is slow.
@Suite("serve: retries, outages, sharing an outbox, stopping")
struct ServeReliabilityTests {
    /// A free loopback port with nothing listening on it (yet).
    static func freePort() async throws -> Int {
        let script = "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1]); s.close()"
        return Int(try await ServeProcess.run("/usr/bin/python3", ["-c", script]).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// The journal of one message, oldest first, straight from the database.
    static func journal(_ workspace: Workspace, _ eventID: String) throws -> [[String: Any]] {
        try OutboxDatabase(outbox: workspace.outboxPath).rows(
            "SELECT kind, state, time, next_attempt_at, classification FROM journal WHERE message = "
                + "(SELECT id FROM messages WHERE event_id = \(OutboxDatabase.literal(eventID))) ORDER BY id")
    }

    @Test("a deferred message is retried at its next attempt time, by serve alone")
    func deferredRetriedWhenDue() async throws {
        // The first end of data is refused for now; the retry (same connection or a new one) is accepted.
        let relay = try TestServer.scripted(#"{"connections": [{"DOT": ["451 4.3.0 Try again later", "250 2.0.0 Ok: queued"]}, {}]}"#)
        defer { relay.stop() }
        let workspace = try Workspace(config: ["smtp.connections": "1", "retry.attempts": "1", "retry.initial_delay": "2s",
                                               "retry.max_delay": "2s"])
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(relay.port)"])
        let reply = try await serve.curl("/v1/events", body: TestEvents.closure("evt_later"))
        #expect(reply.status == 200, "\(reply)")
        let sent = try await eventuallyAsync { try await workspace.list().first?.state == "sent" }
        #expect(sent, "\(serve.command.stderrSoFar())")
        let journal = try Self.journal(workspace, "evt_later")
        let deferred = try #require(journal.first { $0["kind"] as? String == "attempt" && $0["state"] as? String == "deferred" },
                                    "\(journal)")
        let due = try #require(deferred["next_attempt_at"] as? Int, "\(deferred)")
        let starts = journal.filter { $0["kind"] as? String == "attempt-started" }.compactMap { $0["time"] as? Int }
        #expect(starts.count == 2, "one attempt, then one retry: \(journal)")
        #expect((starts.last ?? 0) >= due, "the retry started at or after its next attempt time: \(journal)")
        _ = await serve.terminate()
    }

    @Test("retry.lifetime: a message the relay keeps deferring becomes failed once its lifetime is over")
    func lifetimeHonoured() async throws {
        let relay = try TestServer.scripted(#"{"connections": [{"DOT": "451 4.3.0 Try again later"}]}"#)
        defer { relay.stop() }
        let workspace = try Workspace(config: ["smtp.connections": "1", "retry.attempts": "1", "retry.initial_delay": "500ms",
                                               "retry.max_delay": "1s", "retry.lifetime": "3s"])
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(relay.port)"])
        #expect(try (await serve.curl("/v1/events", body: TestEvents.closure("evt_mortal"))).status == 200)
        let failed = try await eventuallyAsync { try await workspace.list().first?.state == "failed" }
        #expect(failed, "\(serve.command.stderrSoFar())")
        let attempts = try Self.journal(workspace, "evt_mortal").filter { $0["kind"] as? String == "attempt" }
        #expect(attempts.count >= 2, "retried while alive: \(attempts)")
        let metrics = try await serve.metrics()
        #expect(metrics["mailroom_messages{state=failed}"] == 1, "\(metrics)")
        #expect(metrics["mailroom_relay_replies_total{code=451}"] == Double(attempts.count), "\(metrics)")
        _ = await serve.terminate()
    }

    @Test("a relay outage: messages wait deferred, readiness reports it, and all are delivered once the relay is back")
    func outageThenRecovery() async throws {
        let port = try await Self.freePort()
        let workspace = try Workspace(config: ["smtp.connect_timeout": "1s", "smtp.outage_pause": "1s"])
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(port)"])
        let events = TestEvents.make(6, prefix: "evt_outage")
        #expect(try (await serve.curl("/v1/events", body: events.ndjson)).status == 200)
        let tripped = try await eventuallyAsync { try await serve.curl("/readyz").status == 503 }
        #expect(tripped, "readiness reports the relay: \(serve.command.stderrSoFar())")
        let metrics = try await serve.metrics()
        #expect(metrics["mailroom_relay_circuit_open"] == 1, "\(metrics)")
        #expect(try (await serve.curl("/healthz")).status == 200, "alive all the same")
        let before = try await workspace.status()
        #expect(before.count("sent") == 0, "\(before)")

        let relay = try TestServer(script: "smtp_capture_server.py") { ["--outdir", $0.path, "--port", "\(port)"] }
        defer { relay.stop() }
        let delivered = try await eventuallyAsync(limit: .seconds(60)) { try await workspace.status().count("sent") == 6 }
        #expect(delivered, "\(serve.command.stderrSoFar())")
        #expect(try relay.stats()["messages"] == 6, "each once")
        let ready = try await eventuallyAsync { try await serve.curl("/readyz").status == 200 }
        #expect(ready)
        _ = await serve.terminate()
    }

    @Test("two serve processes on one outbox share the work: every message reaches the relay exactly once")
    func twoProcessesShareAnOutbox() async throws {
        // A relay that takes its time, so that neither process can drain the outbox alone before
        // the other leases (each leases only what its connections can carry).
        let relay = try TestServer.capture(["--final-delay-ms", "20-40"])
        defer { relay.stop() }
        let workspace = try Workspace()
        let arguments = ["--smtp-url", "smtp://127.0.0.1:\(relay.port)"]
        let first = try await ServeProcess(workspace, arguments: arguments)
        let second = try await ServeProcess(workspace, arguments: arguments)
        let events = TestEvents.make(120, prefix: "evt_shared")
        let lines = events.ndjson.split(separator: "\n").map { $0 + "\n" }
        // Interleaved requests to both, some events posted to both (duplicates).
        for start in stride(from: 0, to: lines.count, by: 20) {
            let chunk = lines[start..<min(start + 20, lines.count)].joined()
            let target = (start / 20) % 2 == 0 ? first : second
            #expect(try (await target.curl("/v1/events", body: chunk)).status == 200)
        }
        let overlap = try await second.curl("/v1/events", body: lines[0..<20].joined())
        #expect(overlap.results == Array(repeating: "duplicate", count: 20), "\(overlap)")
        let delivered = try await eventually(limit: .seconds(90)) { (try? relay.stats()["messages"]) == 120 }
        #expect(delivered, "\(String(describing: try? relay.stats()))")
        let ended = [await first.terminate(), await second.terminate()]
        #expect(ended.allSatisfy { $0.status == 0 }, "\(ended)")
        #expect(try relay.stats()["messages"] == 120, "nothing sent twice")
        let recipients = try (1...120).map { try relay.capturedEnvelope($0)["rcpt_tos"] as? [String] ?? [] }.joined()
        #expect(Set(recipients) == Set(events.recipients.values), "each message once")
        let status = try await workspace.status()
        #expect(status.count("sent") == 120 && status.total == 120, "\(status)")
        let owners = try OutboxDatabase(outbox: workspace.outboxPath).rows(
            "SELECT COUNT(DISTINCT owner) AS n FROM journal WHERE kind = 'attempt-started'")
        #expect(owners.first?["n"] as? Int == 2, "both processes delivered: \(owners)")
    }

    @Test("a configuration error from the relay (STARTTLS required, not offered) stops serve with exit 78, the message kept queued")
    func configurationErrorStops() async throws {
        let relay = try TestServer.scripted("{}")  // answers STARTTLS with 454
        defer { relay.stop() }
        let workspace = try Workspace()
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(relay.port)?tls=starttls"])
        #expect(try (await serve.curl("/v1/events", body: TestEvents.closure("evt_conf"))).status == 200)
        let ended = await serve.command.wait()
        #expect(ended.status == 78, "\(ended)")
        #expect(ended.stderr.contains("STARTTLS"), "\(ended)")
        let records = try await workspace.list()
        #expect(records.map(\.state) == ["queued"], "kept for a later run: \(records.map(\.state))")
        let leased = try OutboxDatabase(outbox: workspace.outboxPath).rows("SELECT COUNT(*) AS n FROM messages WHERE lease_owner IS NOT NULL")
        #expect(leased.first?["n"] as? Int == 0, "lease released")
    }

    @Test("SIGTERM while the relay is slow: intake answers 503 with Retry-After, the transactions in flight finish, nothing is uncertain, exit 0")
    func stopDuringSlowRelay() async throws {
        // The end of data is answered only once the test has seen intake refused: the stop is
        // ordered by the test, not by a delay.
        let workspace = try Workspace(config: ["smtp.connections": "2", "smtp.reply_timeout": "60s",
                                               "smtp.transaction_timeout": "120s"])
        let release = workspace.path("release-the-relay")
        let relay = try TestServer.scripted(#"{"connections": [{"DOT": {"action": "wait-for-file", "path": "\#(release)", "reply": "250 2.0.0 Ok: queued"}}]}"#)
        defer { relay.stop() }
        let serve = try await ServeProcess(workspace, arguments: ["--smtp-url", "smtp://127.0.0.1:\(relay.port)"])
        let events = TestEvents.make(30, prefix: "evt_stop")
        #expect(try (await serve.curl("/v1/events", body: events.ndjson)).status == 200)
        let inFlight = try await eventually { try relay.log().contains { $0["event"] as? String == "waiting-for-file" } }
        #expect(inFlight)
        kill(serve.command.processIdentifier, SIGTERM)
        do {
            let refused = try await serve.curl("/v1/events", body: TestEvents.closure("evt_late"))
            #expect(refused.status == 503 && refused.headers["retry-after"] != nil, "\(refused)")
            #expect(try (await serve.curl("/readyz")).status == 503)
        } catch {
            // The server must still be up while the transactions wait for the relay: say how it ended.
            try workspace.write("release-the-relay", "")
            Issue.record("serve stopped listening before its transactions finished: \(error)\n\(await serve.command.wait())")
            return
        }
        #expect(serve.command.process.isRunning, "still finishing the transactions in flight")
        try workspace.write("release-the-relay", "")
        let ended = await serve.command.wait()
        #expect(ended.status == 0 && !ended.signalled, "\(ended)")
        let status = try await workspace.status()
        #expect(status.count("uncertain") == 0, "\(status)")
        #expect(status.count("sent") + status.count("queued") == 30, "\(status)")
        #expect(status.count("sent") >= 1, "the transactions in flight finished")
        let leased = try OutboxDatabase(outbox: workspace.outboxPath).rows("SELECT COUNT(*) AS n FROM messages WHERE lease_owner IS NOT NULL")
        #expect(leased.first?["n"] as? Int == 0, "every lease released")
        #expect(try relay.log().filter { $0["data"] != nil }.count == status.count("sent"))
        let after = try await workspace.status()
        #expect(after.total == 30, "the late event was not stored: \(after)")
    }
}
