import Foundation
import MailroomTesting
import Testing

/// The outbox's filesystem fails under a run: remounted read-only, or full. A store write that
/// fails is never followed by an unrecorded send: zero extra deliveries, a non-zero exit (74),
/// and every message the relay received is `sent` or `uncertain` in the outbox.
///
/// Real filesystems: a tmpfs of a chosen size mounted by the test (so these need root, as CI
/// runs), remounted read-only or filled by the run itself.
@Suite("outbox filesystem failures", .serialized, .enabled(if: getuid() == 0, "mounting a tmpfs needs root"))
struct StoreFailureTests {
    /// A tmpfs mounted on `path` for the test's lifetime.
    final class Mount {
        let path: String

        init(at path: String, size: String) throws {
            self.path = path
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            try Self.mount(["-t", "tmpfs", "-o", "size=\(size),mode=0700", "tmpfs", path])
        }

        func remount(_ options: String) throws {
            try Self.mount(["-o", "remount,\(options)", path])
        }

        deinit {
            try? Self.mount(["-o", "remount,rw", path])
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/umount")
            process.arguments = ["-l", path]
            try? process.run()
            process.waitUntilExit()
        }

        static func mount(_ arguments: [String]) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/mount")
            process.arguments = arguments
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw OutboxDatabase.Failure(description: "mount \(arguments.joined(separator: " ")) failed")
            }
        }
    }

    /// State per event id, read with `sqlite3` once the filesystem has room again.
    static func states(_ outbox: String) throws -> [String: String] {
        var states: [String: String] = [:]
        for row in try OutboxDatabase(outbox: outbox).rows("SELECT event_id, state FROM messages") {
            if let id = row["event_id"] as? String { states[id] = row["state"] as? String }
        }
        return states
    }

    /// Event id of each message the server received, by count.
    static func received(_ server: TestServer) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for message in try server.capturedMessages() {
            let id = String((message.messageID ?? "").dropFirst().prefix { $0 != "@" }.split(separator: ".").first ?? "")
            counts[id, default: 0] += 1
        }
        return counts
    }

    @Test("a read-only outbox: three replays deliver nothing and exit 74")
    func readOnlyRemount() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        let mount = try Mount(at: cli.directory.appendingPathComponent("fs").path, size: "64m")
        let outbox = mount.path + "/outbox"
        try cli.writeConfig(smtpURL: nil)
        let events = TestEvents.make(3, prefix: "evt_ro")
        try cli.write("events.ndjson", events.ndjson)
        let held = try cli.run(["send", "events.ndjson", "--outbox", outbox])
        #expect(held.status == 0, "\(held.output)")
        try mount.remount("ro")
        // Compliance staff can still read it: status, list, show and export need no write.
        let status = try cli.run(["outbox", "status", "--json", "--outbox", outbox])
        #expect(status.status == 0 && status.stdout.contains(#""held":3"#), "\(status.output)")
        let list = try cli.run(["outbox", "list", "--outbox", outbox])
        #expect(list.status == 0 && events.ids.allSatisfy { list.stdout.contains($0) }, "\(list.output)")
        let raw = try cli.run(["outbox", "show", events.ids[0], "--raw", "--outbox", outbox])
        #expect(raw.status == 0 && raw.stdout.contains("Message-ID:"), "\(raw.output)")
        let export = try cli.run(["outbox", "export", cli.directory.appendingPathComponent("export").path, "--outbox", outbox])
        #expect(export.status == 0, "\(export.output)")
        for _ in 0..<3 {
            let replay = try cli.run(["replay", "--smtp-url", "smtp://127.0.0.1:\(server.port)", "--outbox", outbox])
            #expect(replay.status == 74, "\(replay.output)")
            #expect(replay.stderr.contains("outbox"), "the error names the outbox: \(replay.stderr)")
        }
        #expect(try server.capturedMessages().isEmpty, "a message was sent that the outbox could not record")
        // A send with events it cannot store names them and exits 74.
        try cli.write("more.ndjson", TestEvents.make(2, prefix: "evt_ro_more").ndjson)
        let send = try cli.run(["send", "more.ndjson", "--smtp-url", "smtp://127.0.0.1:\(server.port)", "--outbox", outbox])
        #expect(send.status == 74, "\(send.output)")
        #expect(try server.capturedMessages().isEmpty)
        try mount.remount("rw")
        #expect(try Self.states(outbox) == Dictionary(uniqueKeysWithValues: events.ids.map { ($0, "held") }))
    }

    @Test("the outbox fills up during a send of 200 events: nothing is delivered that is not recorded")
    func filesystemFillsMidRun() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        let mount = try Mount(at: cli.directory.appendingPathComponent("fs").path, size: "640k")
        let outbox = mount.path + "/outbox"
        try cli.writeConfig(smtpURL: "smtp://127.0.0.1:\(server.port)")
        let events = TestEvents.make(200, prefix: "evt_full")
        try cli.write("events.ndjson", events.ndjson)
        let send = try cli.run(["send", "events.ndjson", "--outbox", outbox])
        #expect(send.status == 74, "\(send.output)")
        #expect(send.stderr.contains("must be sent again") || send.stderr.contains("could not record"), "\(send.stderr)")
        // Room again, so the outbox can be read and a later run can settle what the full one left.
        try mount.remount("size=64m")
        let settle = try cli.run(["replay", "--dry-run", "--outbox", outbox])
        #expect(settle.status == 0, "\(settle.output)")
        let states = try Self.states(outbox)
        let received = try Self.received(server)
        #expect(received.values.allSatisfy { $0 == 1 }, "received twice: \(received.filter { $0.value > 1 })")
        for (id, _) in received {
            #expect(states[id] == "sent" || states[id] == "uncertain", "\(id) was delivered but the outbox says \(states[id] ?? "nothing")")
        }
        #expect(states.count < events.ids.count, "the filesystem never filled; make it smaller")
        print("store-full: \(states.count) of \(events.ids.count) stored, \(received.count) delivered, "
              + "\(states.values.filter { $0 == "uncertain" }.count) uncertain")
    }
}
