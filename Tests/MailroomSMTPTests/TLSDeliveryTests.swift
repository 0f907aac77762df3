import Foundation
import Logging
import Mailroom
import MailroomSMTP
import MailroomTesting
import Testing

/// STARTTLS, implicit TLS and AUTH against aiosmtpd with a CA made for this test run.
@Suite(.serialized) struct TLSDeliveryTests {
    static let password = "s3cret-pass-\(UInt32.random(in: 0...UInt32.max))"

    enum Mode: String, CaseIterable, Sendable { case starttls, implicit }

    static func server(_ mode: Mode, mechanism: String? = nil, pki: TestPKI) throws -> TestServer {
        var arguments = ["--tls", mode.rawValue, "--cert", pki.serverCert, "--key", pki.serverKey]
        if let mechanism { arguments += ["--auth-user", "mailer", "--auth-password", password, "--auth-mechanisms", mechanism] }
        return try TestServer.capture(arguments)
    }

    static func url(_ mode: Mode, _ port: Int) -> String {
        mode == .implicit ? "smtps://127.0.0.1:\(port)" : "smtp://127.0.0.1:\(port)?tls=starttls"
    }

    @Test(arguments: Mode.allCases, ["PLAIN", "LOGIN"])
    func deliversOverTLSWithLogin(_ mode: Mode, _ mechanism: String) throws {
        let pki = try TestPKI.shared.get()
        let server = try Self.server(mode, mechanism: mechanism, pki: pki)
        defer { server.stop() }
        let storage = CapturingLogHandler.Storage()
        let logger = Logger(label: "test", factory: { _ in CapturingLogHandler(storage: storage) })
        let settings = try Fixtures.settings(Self.url(mode, server.port), username: "mailer", password: Self.password, caFile: pki.caFile)
        let connection = Fixtures.connection(settings, logger: logger)
        for number in 1...2 {
            let attempt = connection.send(Fixtures.message(number))
            #expect(attempt.failure == nil, "\(attempt.detail)")
            #expect(try server.capturedMessage(number) == Fixtures.message(number).bytes)
        }
        let envelope = try server.capturedEnvelope(1)
        #expect(envelope["login"] as? String == "mailer")
        #expect(envelope["tls"] as? Bool == true)
        #expect(try server.capturedEnvelope(2)["connection"] as? Int == 1)
        connection.close()
        // The trace log holds the whole conversation: the AUTH exchange must be redacted.
        let log = storage.lines.joined(separator: "\n")
        #expect(log.contains("AUTH \(mechanism) [redacted]"))
        for secret in Self.secretForms(Self.password) { #expect(!log.contains(secret)) }
    }

    /// The password as it could leak: plain, and base64 inside AUTH PLAIN and AUTH LOGIN.
    static func secretForms(_ password: String) -> [String] {
        [password, Data(password.utf8).base64EncodedString(), Data("\0mailer\0\(password)".utf8).base64EncodedString()]
    }

    @Test(arguments: Mode.allCases)
    func refusesAServerSignedByAnotherCA(_ mode: Mode) throws {
        let pki = try TestPKI.shared.get()
        let server = try Self.server(mode, pki: pki)
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings(Self.url(mode, server.port), caFile: pki.otherCAFile))
        let attempt = connection.send(Fixtures.message(1))
        #expect(attempt.failure == .tlsNotTrusted, "\(attempt.detail)")
        #expect(attempt.reply == nil)
        #expect(!attempt.messageFullySent)
        #expect(!FileManager.default.fileExists(atPath: server.file("1.eml").path))
    }

    @Test(arguments: [false, true])
    func startTLSRequiredButUnavailable(_ advertisedButRefused: Bool) throws {
        let server = try TestServer.capture(advertisedButRefused ? ["--refuse-starttls"] : [])
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)?tls=starttls"))
        let attempt = connection.send(Fixtures.message(1))
        #expect(attempt.failure == .startTLSUnavailable, "\(attempt.detail)")
        #expect(!attempt.messageFullySent)
        #expect(try server.stats()["messages"] == 0)
    }

    @Test func badPasswordIsLoginDenied() throws {
        let pki = try TestPKI.shared.get()
        let server = try Self.server(.starttls, mechanism: "PLAIN,LOGIN", pki: pki)
        defer { server.stop() }
        let wrong = "wrong-\(Self.password)"
        let storage = CapturingLogHandler.Storage()
        let logger = Logger(label: "test", factory: { _ in CapturingLogHandler(storage: storage) })
        let settings = try Fixtures.settings(Self.url(.starttls, server.port), username: "mailer", password: wrong, caFile: pki.caFile)
        let attempt = Fixtures.connection(settings, logger: logger).send(Fixtures.message(1))
        #expect(attempt.failure == .loginDenied, "\(attempt.detail)")
        #expect(attempt.reply?.code == 535)
        #expect(attempt.stage == .auth)
        let everything = [attempt.detail, attempt.reply?.description ?? "", "\(attempt)", settings.description]
            + storage.lines
        for text in everything {
            for secret in Self.secretForms(wrong) { #expect(!text.contains(secret)) }
        }
    }
}
