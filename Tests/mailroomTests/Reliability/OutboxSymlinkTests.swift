import Foundation
import MailroomTesting
import Testing

/// A symlink planted in the outbox directory in place of one of the database's files is never
/// followed, by `replay` or by the inspection commands: the file it points to is neither read as
/// the outbox, nor changed, nor sent from.
@Suite struct OutboxSymlinkTests {
    enum Plant: String, CaseIterable, Sendable {
        /// outbox.sqlite is a symlink to a database outside the outbox.
        case database = "outbox.sqlite"
        /// outbox.sqlite-wal is a symlink to a file outside.
        case wal = "outbox.sqlite-wal"
        /// outbox.sqlite-shm is a symlink to a file outside.
        case shm = "outbox.sqlite-shm"
    }

    /// Every regular file under `directory` with its bytes and mode.
    static func snapshot(_ directory: URL) throws -> [String: (Data, Int)] {
        var files: [String: (Data, Int)] = [:]
        guard let walker = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return files }
        for case let url as URL in walker {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let mode = (try FileManager.default.attributesOfItem(atPath: url.path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
            files[url.path] = (try Data(contentsOf: url), mode)
        }
        return files
    }

    @Test(arguments: Plant.allCases)
    func noCommandFollowsIt(_ plant: Plant) throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        let outside = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        try cli.writeConfig(smtpURL: nil)
        let id = "evt_link_\(plant)"
        try cli.write("events.ndjson", TestEvents.closure(id) + "\n")
        let held = try cli.run(["send", "events.ndjson"])
        #expect(held.status == 0, "\(held.output)")
        let fm = FileManager.default
        let file = cli.outbox.appendingPathComponent(plant.rawValue)
        let target = outside.appendingPathComponent("target-\(plant.rawValue)")
        if plant == .database {
            // The real database, moved outside, with the link in its place.
            try fm.moveItem(at: file, to: target)
        } else {
            try Data("not a sqlite file".utf8).write(to: target)
            try? fm.removeItem(at: file)
        }
        try fm.createSymbolicLink(at: file, withDestinationURL: target)
        let before = try Self.snapshot(outside)

        let replay = try cli.run(["replay", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        #expect(replay.status == 78, "\(replay.output)")
        #expect(replay.stderr.contains("symlink"), "\(replay.stderr)")
        for command in [["outbox", "list", "--json"], ["outbox", "show", id, "--json"], ["outbox", "status"],
                        ["send", "events.ndjson"]] {
            let result = try cli.run(command)
            #expect(result.status == 78, "\(command): \(result.output)")
        }
        let after = try Self.snapshot(outside)
        #expect(Set(after.keys) == Set(before.keys), "files appeared or vanished outside the outbox")
        for (path, (data, mode)) in before {
            #expect(after[path]?.0 == data, "\(path) changed through a symlink")
            #expect(after[path]?.1 == mode, "\(path)'s mode changed through a symlink")
        }
        #expect(try server.capturedMessages().isEmpty, "a message behind a symlink was delivered")
    }
}
