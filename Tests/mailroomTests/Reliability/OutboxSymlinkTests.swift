import Foundation
import MailroomTesting
import Testing

/// Issue 5 part 5: a symlink planted inside the outbox is never followed, by `replay` or by the
/// inspection commands: the file it points to is neither changed nor sent.
@Suite struct OutboxSymlinkTests {
    enum Plant: String, CaseIterable, Sendable {
        /// messages/<key> is a symlink to a message directory outside the outbox.
        case messageDirectory
        /// messages/<key>/journal.ndjson is a symlink to a file outside.
        case journal
        /// messages/<key>/message.eml is a symlink to a file outside.
        case messageBytes
        /// messages/<key>/lock (the lock file of older versions) is a symlink to a file outside.
        case lock
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
    func replayDoesNotFollow(_ plant: Plant) throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let cli = try ReliabilityCLI.make()
        defer { cli.remove() }
        let outside = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: outside) }
        try cli.writeConfig(smtpURL: nil)
        let id = "evt_link_\(plant.rawValue)"
        try cli.write("events.ndjson", TestEvents.closure(id) + "\n")
        let held = try cli.run(["send", "events.ndjson"])
        #expect(held.status == 0, "\(held.output)")
        let messageDirectory = cli.outbox.appendingPathComponent("messages").appendingPathComponent(id)
        #expect(FileManager.default.fileExists(atPath: messageDirectory.appendingPathComponent("message.eml").path))

        let marker = "X-Planted-Marker: \(UUID().uuidString)"
        let fm = FileManager.default
        switch plant {
        case .messageDirectory:
            // The real entry, moved outside, with the link in its place: replaying it would act on outside files.
            let target = outside.appendingPathComponent(id)
            try fm.moveItem(at: messageDirectory, to: target)
            try fm.createSymbolicLink(at: messageDirectory, withDestinationURL: target)
        case .journal, .messageBytes, .lock:
            let name = plant == .journal ? "journal.ndjson" : plant == .messageBytes ? "message.eml" : "lock"
            let file = messageDirectory.appendingPathComponent(name)
            let target = outside.appendingPathComponent("target-\(name)")
            var contents = (try? Data(contentsOf: file)) ?? Data()
            if plant == .messageBytes { contents = Data((marker + "\r\n").utf8) + contents }
            try contents.write(to: target)
            try? fm.removeItem(at: file)
            try fm.createSymbolicLink(at: file, withDestinationURL: target)
        }
        let before = try Self.snapshot(outside)
        #expect(!before.isEmpty)

        let replay = try cli.run(["replay", "--smtp-url", "smtp://127.0.0.1:\(server.port)"])
        // Also the read-only commands: they must not follow the link into a write either.
        _ = try cli.run(["outbox", "list", "--json"])
        _ = try cli.run(["outbox", "show", id, "--json"])
        _ = try cli.run(["outbox", "status"])

        let after = try Self.snapshot(outside)
        #expect(Set(after.keys) == Set(before.keys), "files appeared or vanished outside the outbox: \(replay.output)")
        for (path, (data, mode)) in before {
            #expect(after[path]?.0 == data, "\(path) changed through a symlink: \(replay.output)")
            #expect(after[path]?.1 == mode, "\(path)'s mode changed through a symlink")
        }
        let captured = try server.capturedMessages().map { String(decoding: $0.bytes, as: UTF8.self) }
        #expect(!captured.contains { $0.contains(marker) }, "bytes from outside the outbox were sent")
        if plant != .lock {
            // Sending it would mean journaling through (or past) a link: the message must wait for the operator.
            #expect(captured.isEmpty, "a message behind a symlink was delivered: \(replay.output)")
        }
    }
}
