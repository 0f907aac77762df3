import Foundation
import MailroomTesting
import Testing

/// Mistakes on our side (an unusable CA file, missing credentials, a plain URL to a relay that
/// wants TLS) would fail every message the same way: the run stops with exit 78 and keeps them.
@Suite("local mistakes stop the run and keep the messages")
struct LocalMistakeTests {
    static let offersAuthAndStartTLS = #""EHLO": "250-scripted.test\n250-AUTH PLAIN LOGIN\n250-STARTTLS\n250 8BITMIME""#

    /// Sends 5 events to `url`; expects exit 78, every stored message still queued and `hint` on stderr.
    func expectStopped(url: (Int) -> String, script: String, config: [String: String?] = [:], files: [String: String] = [:],
                       hint: String) async throws -> CommandResult {
        let server = try TestServer.scripted(script)
        defer { server.stop() }
        let workspace = try Workspace(config: config)
        for (name, text) in files { try workspace.write(name, text) }
        let events = TestEvents.make(5, prefix: "evt_mistake")
        let file = try workspace.write("events.ndjson", events.ndjson)
        let send = try await workspace.run(["send", "--smtp-url", url(server.port), file])
        #expect(send.status == 78, "\(send)")
        #expect(send.stderr.contains(hint), "\(send)")
        // Input read after the stop is not stored (the run stopped); what was stored stays queued.
        let records = try await workspace.list()
        #expect((1...5).contains(records.count))
        #expect(records.allSatisfy { $0.state == "queued" }, "\(records.map(\.state))")
        #expect(try server.log().filter { $0["data"] != nil }.isEmpty)
        return send
    }

    @Test("an unusable smtp.ca_file: exit 78, the messages kept, the error text once",
          arguments: ["", "garbage, not PEM\n"])
    func unusableCAFile(contents: String) async throws {
        let send = try await expectStopped(url: { "smtps://127.0.0.1:\($0)" }, script: "{}",
                                           config: ["smtp.ca_file": "bad-ca.pem"], files: ["bad-ca.pem": contents],
                                           hint: "smtp.ca_file")
        for line in send.stderrLines where line.contains("libcurl 77") {
            #expect(line.components(separatedBy: "libcurl 77").count == 2, "said twice: \(line)")
        }
    }

    @Test("AUTH offered, no credentials configured, RCPT refused 554 5.7.1: exit 78 naming the variables")
    func authenticationRequired() async throws {
        let script = #"{"connections": [{\#(Self.offersAuthAndStartTLS), "RCPT": "554 5.7.1 <user0@example.org>: Relay access denied"}]}"#
        _ = try await expectStopped(url: { "smtp://127.0.0.1:\($0)" }, script: script, hint: "MAILROOM_SMTP_PASSWORD")
    }

    @Test("smtp://localhost is plain; a relay answering 530 'Must issue a STARTTLS command first': the hint says ?tls=starttls")
    func startTLSRequired() async throws {
        let script = #"{"connections": [{\#(Self.offersAuthAndStartTLS), "MAIL": "530 5.7.0 Must issue a STARTTLS command first"}]}"#
        _ = try await expectStopped(url: { "smtp://localhost:\($0)" }, script: script, hint: "?tls=starttls")
    }

    @Test("the sender refused at MAIL with 5.7.x: exit 78 on the first message, the rest kept")
    func senderRefusedByPolicy() async throws {
        let script = #"{"connections": [{"MAIL": "553 5.7.1 <accounts@example.com>: Sender address rejected: not owned by user"}]}"#
        _ = try await expectStopped(url: { "smtp://127.0.0.1:\($0)" }, script: script, hint: "Sender address rejected")
    }

    @Test("credentials over a plain loopback connection: delivered, with one warning that they travel in clear")
    func credentialsInClearAreWarnedAboutOnce() async throws {
        let server = try TestServer.capture(["--auth-user", "mailer", "--auth-password", "pw-loopback"])
        defer { server.stop() }
        let workspace = try Workspace()
        let file = try workspace.write("events.ndjson", TestEvents.make(3, prefix: "evt_clear").ndjson)
        let send = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", file],
                                           environment: ["MAILROOM_SMTP_USERNAME": "mailer", "MAILROOM_SMTP_PASSWORD": "pw-loopback"])
        #expect(send.status == 0, "\(send)")
        #expect(server.capturedCount() == 3)
        #expect(send.stderr.components(separatedBy: "travel in clear text").count == 2, "\(send)")
    }
}
