import Foundation
import MailroomTesting
import Testing

/// Every command against an outbox in PostgreSQL: a real cluster started by the tests, a real
/// SMTP sink (aiosmtpd) counting what arrives.
@Suite("the outbox in PostgreSQL, through the CLI")
struct PostgresCLITests {
    @Test("send delivers each event once; outbox status, list, show and export read PostgreSQL")
    func sendAndAudit() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let pg = try PostgresWorkspace()
        let events = TestEvents.make(9, prefix: "evt_pg")
        let file = try pg.workspace.write("events.ndjson", events.ndjson + events.ndjson.split(separator: "\n")[0] + "\n")
        let send = try await pg.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", file])
        #expect(send.status == 0, "\(send)")
        #expect(!send.output.contains(pg.cluster.password))
        let counts = try server.capturedCountsByMessageID()
        #expect(server.capturedCount() == 9)
        let listed = try await pg.list()
        #expect(listed.map(\.eventId).sorted() == events.ids.sorted())
        for record in listed {
            #expect(record.state == "sent", "\(record.eventId)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }
        let status = try await pg.status()
        #expect(status.count("sent") == 9 && status.total == 9 && status.duplicates == 1)

        let shown = try await pg.run(["outbox", "show", events.ids[0], "--json"])
        #expect(shown.status == 0, "\(shown)")
        let message = try JSONDecoder.snakeCase.decode(ShownMessage.self, from: Data(shown.stdoutBytes))
        #expect(message.journal.map(\.kind) == ["stored", "attempt-started", "attempt"])
        let raw = try await pg.run(["outbox", "show", events.ids[0], "--raw"])
        let captured = try server.capturedMessages().first { $0.messageID == message.messageId }
        #expect(raw.stdoutBytes == captured?.bytes, "the stored bytes are the bytes the relay received")

        let exported = pg.workspace.path("export")
        let export = try await pg.run(["outbox", "export", exported])
        #expect(export.status == 0, "\(export)")
        let files = try FileManager.default.contentsOfDirectory(atPath: exported)
        #expect(files.filter { $0.hasSuffix(".eml") }.count == 9, "\(files)")
    }

    @Test("held without a relay; concurrent replays deliver each once; --outbox and PGPASSWORD select the same outbox")
    func heldThenReplayedByConcurrentWorkers() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let pg = try PostgresWorkspace()
        let events = TestEvents.make(60, prefix: "evt_held")
        let file = try pg.workspace.write("events.ndjson", events.ndjson)
        let send = try await pg.run(["send", file])
        #expect(send.status == 0, "\(send)")
        #expect(send.stderr.contains(pg.url), "the hint names the outbox: \(send)")
        #expect(try await pg.status().count("held") == 60)

        let url = "smtp://127.0.0.1:\(server.port)"
        let replays = try (0..<3).map { _ in
            try pg.workspace.start(["replay", "--smtp-url", url, "--outbox", pg.url],
                                   environment: ["PGPASSWORD": pg.cluster.password])
        }
        for replay in replays {
            let result = await replay.wait()
            #expect(result.status == 0, "\(result)")
        }
        let counts = try server.capturedCountsByMessageID()
        #expect(server.capturedCount() == 60)
        for record in try await pg.list() {
            #expect(record.state == "sent", "\(record.eventId)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }
    }

    @Test("send --from-table: committed rows become messages once, rolled-back ones never, invalid ones are rejected")
    func fromTheApplicationsTransaction() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let pg = try PostgresWorkspace()
        _ = try await pg.status()  // creates the schema, as a deployment's first run would
        try pg.insertEvents([TestEvents.closure("evt_commit_1"), TestEvents.closure("evt_commit_2")])
        try pg.insertEvents([TestEvents.closure("evt_rolled_back")], then: "ROLLBACK")
        try pg.insertEvents([#"{"id": "evt_bad", "type": "account.closed"}"#, "not json", TestEvents.closure("evt_commit_1")])
        let send = try await pg.run(["send", "--from-table", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(send.status == 65, "two rows were invalid: \(send)")
        #expect(send.stderr.contains("\(pg.schema).events"), "a rejection names the table: \(send)")
        #expect(try pg.pendingEvents() == 0, "every committed row was taken")
        #expect(server.capturedCount() == 2)
        let listed = try await pg.list()
        #expect(listed.map(\.eventId).sorted() == ["evt_commit_1", "evt_commit_2"])
        #expect(listed.allSatisfy { $0.state == "sent" })
        let status = try await pg.status()
        #expect(status.rejected == 2 && status.duplicates == 1)
        // The same reasons as for invalid lines: `send` of the same line from a file says the same.
        let lineFile = try pg.workspace.write("bad.ndjson", #"{"id": "evt_bad", "type": "account.closed"}"# + "\n")
        let fromFile = try await pg.run(["send", lineFile])
        let reason = { (text: String) in text.split(separator: "\n").filter { $0.contains("occurred_at") }.map { $0.drop { $0 != "$" } } }
        #expect(!reason(fromFile.stderr).isEmpty && reason(fromFile.stderr) == reason(send.stderr), "\(fromFile)\n\(send)")

        let again = try await pg.run(["send", "--from-table", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(again.status == 0, "\(again)")
        #expect(server.capturedCount() == 2, "nothing was taken twice")
    }

    @Test("several send --from-table and replay workers on one outbox: each message received exactly once")
    func manyWorkersOneOutbox() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let pg = try PostgresWorkspace()
        let held = TestEvents.make(120, prefix: "evt_w_held")
        let send = try await pg.run(["send", try pg.workspace.write("held.ndjson", held.ndjson)])
        #expect(send.status == 0, "\(send)")
        let table = TestEvents.make(300, prefix: "evt_w_table")
        let lines = table.ndjson.split(separator: "\n").map(String.init)
        for start in stride(from: 0, to: lines.count, by: 50) {
            try pg.insertEvents(Array(lines[start..<min(start + 50, lines.count)]))
        }
        let url = "smtp://127.0.0.1:\(server.port)"
        var workers = try (0..<3).map { _ in try pg.start(["send", "--from-table", "--smtp-url", url]) }
        workers += try (0..<2).map { _ in try pg.start(["replay", "--smtp-url", url]) }
        for worker in workers {
            let result = await worker.wait()
            #expect(result.status == 0, "\(result)")
        }
        // A replay may have started before the held messages were all settled by another: one
        // more replay delivers whatever it passed over (leased by a live worker at that moment).
        let last = try await pg.run(["replay", "--smtp-url", url])
        #expect(last.status == 0, "\(last)")
        #expect(try pg.pendingEvents() == 0)
        let counts = try server.capturedCountsByMessageID()
        let listed = try await pg.list()
        #expect(listed.count == 420)
        for record in listed {
            #expect(record.state == "sent", "\(record.eventId)")
            #expect(counts[record.messageId] == 1, "\(record.eventId) captured \(counts[record.messageId] ?? 0) times")
        }
        #expect(server.capturedCount() == 420)
    }

    @Test("PostgreSQL unreachable: a clear error and exit 74, nothing done; a wrong password: exit 78, never echoed")
    func unreachableAndRefused() async throws {
        let pg = try PostgresWorkspace()
        let port = try unusedPort()
        let file = try pg.workspace.write("one.ndjson", TestEvents.closure("evt_1") + "\n")
        let down = try await pg.run(["send", file, "--outbox", "postgresql://mailroom@127.0.0.1:\(port)/mailroom"])
        #expect(down.status == 74, "\(down)")
        #expect(down.stderr.contains("cannot connect to the outbox postgresql://mailroom@127.0.0.1:\(port)/mailroom"), "\(down)")
        let secret = "s3cret-\(UUID().uuidString)"
        let refused = try await pg.run(["outbox", "status"], environment: ["MAILROOM_OUTBOX_PASSWORD": secret])
        #expect(refused.status == 78, "\(refused)")
        #expect(refused.stderr.contains("password authentication failed"), "\(refused)")
        #expect(!refused.output.contains(secret))
        let inURL = try await pg.run(["outbox", "status", "--outbox", "postgresql://mailroom:\(secret)@127.0.0.1:\(port)/x"])
        #expect(inURL.status == 78, "\(inURL)")
        #expect(!inURL.output.contains(secret))
        let clear = try await pg.run(["outbox", "status", "--outbox", "postgresql://mailroom@db.example.com/x?sslmode=disable"])
        #expect(clear.status == 78 && clear.stderr.contains("sslmode=disable"), "\(clear)")
    }
}
