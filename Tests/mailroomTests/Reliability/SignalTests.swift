import Foundation
import MailroomTesting
import Testing

/// SIGTERM and SIGINT end `send` and `replay` gracefully: no more input, the transaction in
/// flight finishes, every result is recorded, the summary is printed, and the exit code is the
/// contract's. A second signal ends the process at once.
@Suite("signals stop a run gracefully")
struct SignalTests {
    /// Every reply to the end of data comes after a pause, so a transaction is in flight when the
    /// test signals (the pause orders the test; nothing is asserted about time).
    static let slowDot = #"{"connections": [{"DOT": {"action": "delay", "seconds": 2, "reply": "250 2.0.0 Ok: queued"}}]}"#

    /// Waits until the server has the data of a first message: a transaction is in flight.
    func waitForData(_ server: TestServer) async throws {
        let seen = try await eventually { try server.log().contains { $0["data"] != nil } }
        try #require(seen, "the server never received a message")
    }

    @Test("send - from a pipe that stays open: on SIGTERM/SIGINT it stops, finishes the message in flight, keeps the rest",
          arguments: [SIGTERM, SIGINT])
    func sendStopsOnSignal(signal: Int32) async throws {
        let server = try TestServer.scripted(Self.slowDot)
        defer { server.stop() }
        let workspace = try Workspace(config: ["smtp.connections": "1"])
        let events = TestEvents.make(5, prefix: "evt_sig")
        let running = try workspace.start(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", "-"], input: .pipe)
        try running.write(events.ndjson)  // and never closed: the signal must end the reading
        try await waitForData(server)
        kill(running.processIdentifier, signal)
        let result = await running.wait()
        try? running.closeInput()
        #expect(!result.signalled, "\(result)")
        let records = try await workspace.list()
        #expect(records.count == 5, "every event read is stored: \(records.map(\.eventId))")
        let sent = records.filter { $0.state == "sent" }.count
        let queued = records.filter { $0.state == "queued" }.count
        #expect(sent >= 1, "the transaction in flight was not finished: \(records.map(\.state))")
        #expect(sent + queued == 5, "\(records.map(\.state))")
        #expect(result.status == (queued > 0 ? 75 : 0), "\(result)")
        #expect(result.stderr.contains("send: sent \(sent)"), "no summary: \(result)")
        #expect(result.stderr.contains(signal == SIGTERM ? "SIGTERM" : "SIGINT"), "\(result)")
        #expect(try server.log().filter { $0["data"] != nil }.count == sent)
    }

    /// More messages than the dispatcher queues, so that some are not even claimed at the signal.
    @Test("replay: on SIGTERM it finishes the message in flight and leaves the rest held, counted as not attempted")
    func replayStopsOnSignal() async throws {
        let server = try TestServer.scripted(Self.slowDot)
        defer { server.stop() }
        let workspace = try Workspace(config: ["smtp.connections": "1"])
        let file = try workspace.write("events.ndjson", TestEvents.make(100, prefix: "evt_sigr").ndjson)
        let send = try await workspace.run(["send", file])
        #expect(send.status == 0, "\(send)")
        let running = try workspace.start(["replay", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        try await waitForData(server)
        kill(running.processIdentifier, SIGTERM)
        let result = await running.wait()
        #expect(!result.signalled, "\(result)")
        let records = try await workspace.list()
        let sent = records.filter { $0.state == "sent" }.count
        let held = records.filter { $0.state == "held" }.count
        #expect(sent >= 1 && sent + held == 100, "\(records.map(\.state))")
        #expect(result.status == (held > 0 ? 75 : 0), "\(result)")
        #expect(result.stderr.contains("not attempted \(held)"), "\(result)")
        #expect(result.stderr.contains("stopped by SIGTERM"), "\(result)")
    }

    @Test("a signal while the relay has not yet said 354: the transaction is given up before the data, every message kept")
    func signalBeforeTheDataGivesTheTransactionUp() async throws {
        // The 354 comes only once the signal was taken (the test creates the file then).
        let go = try TestServer.makeTemporaryDirectory().appendingPathComponent("go")
        let server = try TestServer.scripted(#"{"connections": [{"DATA": {"action": "wait-for-file", "path": "\#(go.path)", "reply": "354 go ahead"}}]}"#)
        defer { server.stop() }
        // Timeouts far beyond any wait of the test, which a loaded machine stretches.
        let workspace = try Workspace(config: ["smtp.connections": "1", "smtp.reply_timeout": "300s",
                                               "smtp.transaction_timeout": "600s"])
        let running = try workspace.start(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", "-"], input: .pipe)
        try running.write(TestEvents.make(3, prefix: "evt_sigd").ndjson)
        let inData = try await eventually { try server.log().contains { $0["event"] as? String == "waiting-for-file" } }
        try #require(inData)
        kill(running.processIdentifier, SIGTERM)
        let taken = try await eventually { running.stderrSoFar().contains("reading no more input") }
        #expect(taken, "\(running.stderrSoFar())")
        try Data().write(to: go)
        let result = await running.wait()
        try? running.closeInput()
        #expect(result.status == 75, "\(result)")
        let records = try await workspace.list()
        #expect(records.count == 3)
        #expect(records.allSatisfy { $0.state == "queued" }, "\(records.map(\.state))")
        #expect(try server.log().filter { $0["data"] != nil }.isEmpty, "message data was sent after the signal")
    }

    @Test("a second signal stops at once: exit 128 + the signal, even with a transaction stalled")
    func secondSignalStopsAtOnce() async throws {
        let server = try TestServer.scripted(#"{"connections": [{"DOT": {"action": "stall"}}]}"#)
        defer { server.stop() }
        let workspace = try Workspace(config: ["smtp.connections": "1", "smtp.reply_timeout": "300s",
                                               "smtp.transaction_timeout": "600s"])
        let running = try workspace.start(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", "-"], input: .pipe)
        try running.write(TestEvents.make(2, prefix: "evt_sig2").ndjson)
        try await waitForData(server)
        kill(running.processIdentifier, SIGTERM)
        // Two signals sent at once may arrive as one: wait until the first was taken.
        let taken = try await eventually { running.stderrSoFar().contains("a second signal stops at once") }
        #expect(taken, "\(running.stderrSoFar())")
        kill(running.processIdentifier, SIGTERM)
        let result = await running.wait()
        try? running.closeInput()
        #expect(result.status == 128 + SIGTERM, "\(result)")
        // The grace period may have ended first on a loaded machine: it stops the same way.
        #expect(result.stderr.contains("stopping at once") || result.stderr.contains("stopping now"), "\(result)")
    }
}
