import Foundation
import MailroomTesting
import Testing

/// `mailroom outbox prune` and what a redacted message still tells: judged by Python's hmac and
/// hashlib (the keyed hash and the digest) and by the database file's bytes.
@Suite("the audit trail's retention, through the CLI")
struct RetentionCommandTests {
    static func python(_ script: String, _ arguments: [String]) throws -> String {
        let result = try Shell.run("/usr/bin/python3", ["-c", script] + arguments)
        #expect(result.status == 0, "\(String(decoding: result.stderr, as: UTF8.self))")
        return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static let hmacScript = """
        import hashlib, hmac, sys
        key = open(sys.argv[1], 'rb').read().rstrip(b'\\r\\n')
        print(hmac.new(key, sys.argv[2].lower().encode(), hashlib.sha256).hexdigest())
        """

    @Test("prune redacts sent messages, keeps the waiting one, and the keyed hash answers 'did we send to X?'")
    func pruneRedacts() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        // Everything terminal is old enough at once: a redaction age of zero.
        let workspace = try Workspace(config: ["retention.redact_after": "0s", "retention.delete_after": "10y",
                                               "retention.hash_key_file": "hash.key"])
        let keyPath = try workspace.write("hash.key", "k3y-" + String(repeating: "0123456789abcdef", count: 3) + "\n")
        chmod(keyPath, 0o600)
        let events = TestEvents.make(3, prefix: "evt_ret")
        let sent = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)",
                                            try workspace.write("sent.ndjson", events.ndjson)])
        #expect(sent.status == 0, "\(sent)")
        let waiting = TestEvents.closure("evt_ret_waiting", email: "waiting.person@example.net", name: "Waiting Person")
        let held = try await workspace.run(["send", try workspace.write("held.ndjson", waiting + "\n")])
        #expect(held.status == 0, "\(held)")
        let captured = try server.capturedMessages()
        #expect(captured.count == 3)

        let dry = try await workspace.run(["outbox", "prune", "--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("would redact 3 message(s)"), "\(dry)")
        #expect(try await workspace.show(events.ids[0]).state == "sent")
        #expect(try !workspace.storedMessage(events.ids[0]).isEmpty, "a dry run changed something")

        let pruned = try await workspace.run(["outbox", "prune"])
        #expect(pruned.status == 0 && pruned.stdout.contains("redacted 3 message(s)"), "\(pruned)")
        #expect(pruned.stdout.contains("deleted 0 message(s)"), "\(pruned)")

        let id = events.ids[0]
        let address = try #require(events.recipients[id])
        let shown = try await workspace.run(["outbox", "show", id])
        #expect(shown.status == 0 && shown.stdout.contains("REDACTED"), "\(shown)")
        #expect(!shown.stdout.contains(address))
        let raw = try await workspace.run(["outbox", "show", id, "--raw"])
        #expect(raw.status == 64 && raw.stderr.contains("redacted"), "\(raw)")

        // The keyed hash, computed independently, finds the message; another address finds nothing.
        let expectedHash = try Self.python(Self.hmacScript, [keyPath, address])
        let json = try await workspace.run(["outbox", "show", id, "--json"])
        let document = try #require(try JSONSerialization.jsonObject(with: Data(json.stdoutBytes)) as? [String: Any])
        #expect(document["recipient_hashes"] as? [String] == [expectedHash], "\(document)")
        let byAddress = try await workspace.list()
        #expect(byAddress.count == 4)
        let found = try await workspace.run(["outbox", "list", "--recipient", address.uppercased(), "--json"])
        #expect(found.stdoutLines.count == 1 && found.stdout.contains(id), "\(found)")
        let nobody = try await workspace.run(["outbox", "list", "--recipient", "nobody@example.org", "--json"])
        #expect(nobody.stdoutLines.isEmpty, "\(nobody)")

        // The SHA-256 kept is that of the bytes the relay received.
        let relayed = try #require(captured.first { TestServer.headerValue("Message-ID", in: $0.bytes).map { $0.contains(id) } == true })
        let file = try workspace.write("relayed.eml", "")
        try Data(relayed.bytes).write(to: URL(fileURLWithPath: file))
        let digest = try Self.python("import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], 'rb').read()).hexdigest())", [file])
        #expect(document["content_sha256"] as? String == digest)

        // Nothing of the redacted personal data is left in the outbox's files; the waiting message is whole.
        var bytes: [UInt8] = []
        for (_, data) in try workspace.outboxFiles() { bytes += Array(data) }
        let haystack = String(decoding: bytes, as: Unicode.ASCII.self)
        for id in events.ids {
            let address = events.recipients[id] ?? "?"
            #expect(!haystack.contains(address), "\(address) is still in the outbox's files")
        }
        #expect(!haystack.contains("Ada Lovelace 0") && !haystack.contains("Lovelace"), "a recipient's name is still in the outbox")
        #expect(haystack.contains("waiting.person@example.net"), "the waiting message was touched")

        // Export keeps what remains: no .eml for a redacted message, its record and journal still.
        let export = try await workspace.run(["outbox", "export", workspace.path("audit")])
        #expect(export.status == 0, "\(export)")
        let exported = try FileManager.default.contentsOfDirectory(atPath: workspace.path("audit"))
        #expect(exported.filter { $0.hasSuffix(".eml") }.count == 1, "\(exported)")
        let index = try String(contentsOfFile: workspace.path("audit/messages.ndjson"), encoding: .utf8)
        #expect(index.split(separator: "\n").count == 4 && index.contains(expectedHash))
    }

    @Test("redaction without a hash key file, or a key file others can read, is a configuration error")
    func keyFileRequired() async throws {
        let workspace = try Workspace(config: ["retention.redact_after": "90d"])
        let missing = try await workspace.run(["outbox", "prune"])
        #expect(missing.status == 78 && missing.stderr.contains("retention.hash_key_file"), "\(missing)")
        let readable = try Workspace(config: ["retention.redact_after": "90d", "retention.hash_key_file": "k"])
        chmod(try readable.write("k", String(repeating: "x", count: 40)), 0o644)
        let result = try await readable.run(["outbox", "prune"])
        #expect(result.status == 78 && result.stderr.contains("chmod 600"), "\(result)")
        let none = try Workspace()
        #expect(try await none.run(["outbox", "prune"]).status == 78)
    }
}
