import Foundation
import MailroomTesting
import Testing

/// Configuration errors: exit 78, nothing sent, and the SMTP password never shown or stored.
@Suite("configuration errors and secrets")
struct ConfigurationTests {
    static let username = "mailer"
    static let password = "Pw-7f2e9a-s3cret"

    /// The password as it would look in a log or a file: plain, or inside an AUTH PLAIN / LOGIN exchange.
    static let secretForms = [
        password,
        Data(password.utf8).base64EncodedString(),
        Data("\0\(username)\0\(password)".utf8).base64EncodedString(),
    ]

    enum Case: String, CaseIterable, Sendable, CustomTestStringConvertible {
        case badScheme, cleartextCredentials, unreadableValue, wrongCA
        var testDescription: String { rawValue }
    }

    @Test("exit 78, nothing delivered, the password nowhere (with --verbose)", arguments: Case.allCases)
    func configurationErrorSendsNothing(_ which: Case) async throws {
        let pki = try TestPKI.shared.get()
        let server = try TestServer.capture(["--tls", "implicit", "--cert", pki.serverCert, "--key", pki.serverKey,
                                             "--auth-user", Self.username, "--auth-password", Self.password])
        defer { server.stop() }
        var config: [String: String?] = ["smtp.username": Self.username]
        var arguments = ["send", "--verbose"]
        var expected: String
        switch which {
        case .badScheme:
            arguments += ["--smtp-url", "http://127.0.0.1:\(server.port)"]
            expected = "smtp.url"
        case .cleartextCredentials:
            // smtp:// to a non-loopback host is STARTTLS; ?tls=none would put the password on the wire.
            config["smtp.url"] = "\"smtp://relay.example.com?tls=none\""
            expected = "clear text"
        case .unreadableValue:
            config["smtp.url"] = "\"smtps://127.0.0.1:\(server.port)\""
            config["smtp.connections"] = "lots"
            expected = "smtp.connections"
        case .wrongCA:
            config["smtp.url"] = "\"smtps://127.0.0.1:\(server.port)\""
            config["smtp.ca_file"] = "\"\(pki.otherCAFile)\""
            expected = "certificate"
        }
        let workspace = try Workspace(config: config)
        let events = TestEvents.make(3, prefix: "evt_cfg")
        let file = try workspace.write("events.ndjson", events.ndjson)

        let result = try await workspace.run(arguments + [file], environment: ["MAILROOM_SMTP_PASSWORD": Self.password])
        #expect(result.status == 78, "\(result)")
        #expect(result.stderr.contains(expected), "\(result)")
        #expect(server.capturedCount() == 0, "a message was delivered despite the configuration error")
        try Self.expectNoSecret(in: result, workspace: workspace)
        let stored = FileManager.default.fileExists(atPath: workspace.outboxPath) ? try await workspace.list() : []
        for record in stored {
            #expect(record.state == "queued", "\(record.eventId) is \(record.state) after a configuration error")
        }
    }

    @Test("TLS with the right CA and AUTH delivers, and the password is still nowhere (with --verbose)")
    func authenticatedDeliveryKeepsTheSecret() async throws {
        let pki = try TestPKI.shared.get()
        let server = try TestServer.capture(["--tls", "implicit", "--cert", pki.serverCert, "--key", pki.serverKey,
                                             "--auth-user", Self.username, "--auth-password", Self.password])
        defer { server.stop() }
        let workspace = try Workspace(config: [
            "smtp.url": "\"smtps://127.0.0.1:\(server.port)\"", "smtp.ca_file": "\"\(pki.caFile)\"",
            "smtp.username": Self.username,
        ])
        let events = TestEvents.make(3, prefix: "evt_auth")
        let file = try workspace.write("events.ndjson", events.ndjson)

        let result = try await workspace.run(["send", "--verbose", file], environment: ["MAILROOM_SMTP_PASSWORD": Self.password])
        #expect(result.status == 0, "\(result)")
        let captured = try server.capturedMessages()
        #expect(captured.count == 3)
        #expect(try server.capturedEnvelope(1)["login"] as? String == Self.username)
        try Self.expectNoSecret(in: result, workspace: workspace)
    }

    static func expectNoSecret(in result: CommandResult, workspace: Workspace) throws {
        for secret in secretForms {
            #expect(!result.stdout.contains(secret), "the password is in stdout")
            #expect(!result.stderr.contains(secret), "the password is in stderr")
            for (path, bytes) in try workspace.outboxFiles() {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(secret), "the password is in outbox/\(path)")
            }
        }
    }
}
