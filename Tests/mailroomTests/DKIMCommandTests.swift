import Foundation
import MailroomTesting
import Testing

/// `mailroom dkim keygen`, and signing in `preview --format raw` and `send` (stored and relayed
/// bytes), judged by dkimpy with the records keygen printed as the DNS answers.
@Suite("DKIM through the CLI")
struct DKIMCommandTests {
    /// Runs keygen for an RSA and an Ed25519 key in `workspace`; returns the DNS answers it printed.
    static func keygen(_ workspace: Workspace) async throws -> [String: String] {
        var dns: [String: String] = [:]
        for (selector, algorithm) in [("rsa2026", "rsa"), ("ed2026", "ed25519")] {
            let result = try await workspace.run(["dkim", "keygen", "--selector", selector, "--domain", "example.com",
                                                  "--algorithm", algorithm, "--output", "\(selector).pem"])
            #expect(result.status == 0, "\(result)")
            let path = workspace.path("\(selector).pem")
            #expect(OutboxFixtures.mode(path) & 0o777 == 0o600, "\(path)")
            // `name. IN TXT ( "part" "part" )`: the parts joined are the record.
            let line = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            let name = String(line.prefix { $0 != " " })
            #expect(name == "\(selector)._domainkey.example.com.")
            let parts = line.split(separator: "\"", omittingEmptySubsequences: false).enumerated()
                .filter { $0.offset % 2 == 1 }.map(\.element)
            dns[String(name.dropLast())] = parts.joined()
            let key = try String(contentsOfFile: path, encoding: .utf8)
            for secret in key.split(separator: "\n").filter({ !$0.hasPrefix("-----") }) {
                #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret), "keygen printed the private key")
            }
        }
        return dns
    }

    static let dkimConfig: [String: String?] = [
        "dkim.domain": "example.com",
        "dkim.selector": "[rsa2026, ed2026]",
        "dkim.private_key_file": "[rsa2026.pem, ed2026.pem]",
    ]

    @Test("keygen's keys sign preview --format raw of every template and locale, both signatures verify")
    func previewIsSigned() async throws {
        let workspace = try Workspace(config: Self.dkimConfig)
        let dns = try await Self.keygen(workspace)
        var messages: [[UInt8]] = []
        for template in ["closure-confirmation", "withdrawal-reminder", "retention-notice"] {
            for locale in [[], ["--locale", "de"]] {
                let result = try await workspace.run(["preview", template, "--format", "raw"] + locale)
                #expect(result.status == 0, "\(result)")
                #expect(result.stdout.hasPrefix("DKIM-Signature: v=1; a=rsa-sha256;"), "\(result)")
                messages.append(result.stdoutBytes)
            }
        }
        for (index, verdict) in try DKIMJudge.verify(messages, dns: dns).enumerated() {
            #expect(verdict.signatures == 2, "message \(index)")
            #expect(verdict.allPass, "message \(index): \(verdict.results)")
        }
    }

    @Test("send stores the signed bytes, and the relay receives exactly those")
    func sendStoresAndSendsSignedBytes() async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace(config: Self.dkimConfig)
        let dns = try await Self.keygen(workspace)
        let events = TestEvents.make(6, prefix: "evt_dkim")
        let input = try workspace.write("events.ndjson", events.ndjson)
        let result = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", input])
        #expect(result.status == 0, "\(result)")
        let stored = try events.ids.map { try workspace.storedMessage($0) }
        let captured = try server.capturedMessages().map(\.bytes)
        #expect(Set(captured) == Set(stored), "the relay got other bytes than the outbox holds")
        for (index, verdict) in try DKIMJudge.verify(stored, dns: dns).enumerated() {
            #expect(verdict.signatures == 2, "\(events.ids[index])")
            #expect(verdict.allPass, "\(events.ids[index]): \(verdict.results)")
        }
    }

    @Test("a key file others can read stops send with exit 78 before anything is stored; the key is never shown")
    func readableKeyIsAConfigurationError() async throws {
        let workspace = try Workspace(config: Self.dkimConfig)
        _ = try await Self.keygen(workspace)
        chmod(workspace.path("ed2026.pem"), 0o644)
        let events = TestEvents.make(2, prefix: "evt_dkim_perm")
        let input = try workspace.write("events.ndjson", events.ndjson)
        let result = try await workspace.run(["send", "--verbose", input])
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains("ed2026.pem") && result.stderr.contains("chmod 600"), "\(result)")
        let key = try String(contentsOfFile: workspace.path("ed2026.pem"), encoding: .utf8)
        for secret in key.split(separator: "\n").filter({ !$0.hasPrefix("-----") }) {
            #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        }
        // Nothing stored: either no outbox at all, or an empty one.
        if !(try workspace.outboxFiles().isEmpty) {
            let status = try await workspace.status()
            #expect(status.total == 0)
        }
    }

    @Test("keygen never replaces an existing key file")
    func keygenKeepsExistingKey() async throws {
        let workspace = try Workspace()
        let first = try await workspace.run(["dkim", "keygen", "--selector", "s", "--domain", "example.com", "--output", "k.pem"])
        #expect(first.status == 0, "\(first)")
        let before = try Data(contentsOf: URL(fileURLWithPath: workspace.path("k.pem")))
        let second = try await workspace.run(["dkim", "keygen", "--selector", "s", "--domain", "example.com", "--output", "k.pem"])
        #expect(second.status == 64, "\(second)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: workspace.path("k.pem"))) == before)
    }

    @Test("dkim settings with a missing key or unpaired lists are configuration errors")
    func incompleteSettings() async throws {
        for config: [String: String?] in [
            ["dkim.domain": "example.com", "dkim.selector": "s"],
            ["dkim.domain": "example.com", "dkim.selector": "[a, b]", "dkim.private_key_file": "[a.pem]"],
        ] {
            let workspace = try Workspace(config: config)
            let result = try await workspace.run(["preview", "closure-confirmation", "--format", "raw"])
            #expect(result.status == 78, "\(result)")
            #expect(result.stderr.contains("dkim."), "\(result)")
        }
    }
}
