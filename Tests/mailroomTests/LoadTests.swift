import Foundation
import MailroomTesting
import Testing

/// Several processes on one outbox, and a process killed mid-run. Serialized: each keeps both
/// cores busy on its own.
@Suite("concurrent processes and a crash", .serialized)
struct LoadTests {
    @Test("send of 300 events while replays run on the same outbox: each message captured exactly once")
    func sendWithConcurrentReplayLoop() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(300, prefix: "evt_conc")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let url = "smtp://127.0.0.1:\(server.port)"

        let send = try workspace.start(["send", "--smtp-url", url, file])
        // The replays need an outbox to open: start them once the send stored its first message.
        let database = OutboxDatabase(outbox: workspace.outboxPath)
        #expect(try await eventually {
            FileManager.default.fileExists(atPath: database.path)
                && ((try? database.rows("SELECT count(*) AS n FROM messages").first?["n"] as? Int) ?? 0) > 0
        })
        var replays: [CommandResult] = []
        repeat {
            replays.append(try await workspace.run(["replay", "--smtp-url", url]))
        } while send.process.isRunning
        let sent = await send.wait()

        #expect(sent.status == 0, "\(sent)")
        for replay in replays { #expect(replay.status == 0, "\(replay)") }
        for result in [sent] + replays { #expect(Self.logProblems(result).isEmpty, "\(result)") }
        let bySend = Self.sentCount(sent) ?? -1
        let byReplays = replays.map { Self.sentCount($0) ?? -1 }
        #expect(bySend + byReplays.reduce(0, +) == 300, "send sent \(bySend), replays \(byReplays)")
        try await Self.expectEachCapturedOnce(events, server: server, workspace: workspace)
        print("concurrency: send sent \(bySend); \(replays.count) concurrent replays sent \(byReplays.reduce(0, +)) \(byReplays); " + replays.map { $0.stderrLines.last ?? "" }.joined(separator: " / "))
    }

    @Test("two replays at once of 300 held messages: each message captured exactly once")
    func twoConcurrentReplays() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(300, prefix: "evt_two")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let url = "smtp://127.0.0.1:\(server.port)"
        let held = try await workspace.run(["send", file])
        #expect(held.status == 0, "\(held)")
        #expect(try await workspace.status().count("held") == 300)

        let first = try workspace.start(["replay", "--smtp-url", url])
        let second = try workspace.start(["replay", "--smtp-url", url])
        let results = [await first.wait(), await second.wait()]
        for result in results {
            #expect(result.status == 0, "\(result)")
            #expect(Self.logProblems(result).isEmpty, "\(result)")
        }
        let counts = results.map { Self.sentCount($0) ?? -1 }
        #expect(counts.reduce(0, +) == 300, "replays sent \(counts)")
        try await Self.expectEachCapturedOnce(events, server: server, workspace: workspace)
        print("concurrency: two replays sent \(counts)")
    }

    @Test("send of 2000 events killed with SIGKILL mid-run: replay and a re-send finish the job, none twice")
    func crashMidRun() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let total = 2000
        let events = TestEvents.make(total, prefix: "evt_crash")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let url = "smtp://127.0.0.1:\(server.port)"

        let send = try workspace.start(["send", "--smtp-url", url, file])
        _ = try await eventually(limit: .seconds(60)) { server.capturedCount() >= 300 || !send.process.isRunning }
        send.kill()
        let killed = await send.wait()
        try #require(killed.signalled && killed.status == SIGKILL, "the send ended before it was killed: \(killed)")
        let capturedAtKill = server.capturedCount()
        let storedAtKill = try OutboxDatabase(outbox: workspace.outboxPath).rows("SELECT count(*) AS n FROM messages")
            .first?["n"] as? Int ?? 0

        // Recovery (on opening the outbox) turns the unfinished attempts into `uncertain`; replay
        // delivers what was stored but not sent. Events never read were never stored: the producer
        // sends the file again, and what is stored already is a duplicate.
        let replay = try await workspace.run(["replay", "--smtp-url", url])
        #expect(replay.status == 0, "\(replay)")
        let resend = try await workspace.run(["send", "--smtp-url", url, file])
        #expect(resend.status == 0, "\(resend)")

        let listed = try await workspace.list()
        #expect(listed.count == total)
        let uncertain = listed.filter { $0.state == "uncertain" }
        #expect(uncertain.count <= 4, "more uncertain messages than connections in flight: \(uncertain.map(\.eventId))")
        var counts = try server.capturedCountsByMessageID()
        for record in listed where record.state != "uncertain" {
            #expect(record.state == "sent", "\(record.eventId) is \(record.state)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }
        // The recovery that found them said so (and proves logProblems sees warnings).
        #expect(Self.logProblems(replay).contains { $0.contains("marked uncertain") } == !uncertain.isEmpty, "\(replay)")
        let uncertainCaptured = uncertain.filter { counts[$0.messageId, default: 0] > 0 }.count
        for record in uncertain { #expect(counts[record.messageId, default: 0] <= 1) }

        if !uncertain.isEmpty {
            let forced = try await workspace.run(["replay", "--force", "--smtp-url", url] + uncertain.flatMap { ["--message", $0.eventId] })
            #expect(forced.status == 0, "\(forced)")
            counts = try server.capturedCountsByMessageID()
            for record in uncertain {
                #expect((1...2).contains(counts[record.messageId, default: 0]), "\(record.eventId)")
            }
        }
        #expect(Set(counts.keys) == Set(listed.map(\.messageId)), "a captured message the outbox does not know, or one never sent")
        let status = try await workspace.status()
        #expect(status.count("sent") == total)
        print("crash: killed after \(capturedAtKill) of \(total) captured, \(storedAtKill) stored; " +
              "replay: \(replay.stderrLines.last ?? ""); re-send: \(resend.stderrLines.last ?? ""); " +
              "uncertain \(uncertain.count) (\(uncertainCaptured) of them had arrived), captured in all \(server.capturedCount())")
    }

    /// `sent N` from the run's summary line (`mailroom: send: sent N, ...` or `mailroom: replay: M selected; sent N, ...`).
    static func sentCount(_ result: CommandResult) -> Int? {
        guard let line = result.stderrLines.last(where: { $0.contains("send: sent ") || $0.contains(" selected; sent ") }),
              let range = line.range(of: #"sent \d+"#, options: .regularExpression)
        else { return nil }
        return Int(line[range].dropFirst(5))
    }

    /// Log lines at warning level or above (swift-log's stream handler: `<time> warning mailroom : ...`).
    static func logProblems(_ result: CommandResult) -> [String] {
        result.stderrLines.filter { $0.contains(" warning ") || $0.contains(" error ") || $0.contains(" critical ") }
    }

    static func expectEachCapturedOnce(_ events: TestEvents.Generated, server: TestServer, workspace: Workspace) async throws {
        let counts = try server.capturedCountsByMessageID()
        let listed = try await workspace.list()
        #expect(listed.count == events.ids.count)
        #expect(server.capturedCount() == events.ids.count)
        for record in listed {
            #expect(record.state == "sent", "\(record.eventId) is \(record.state)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }
    }
}
