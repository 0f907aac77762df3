import Foundation
import Mailroom
import MailroomSMTP
import MailroomTesting
import Testing

/// Faults produced on demand by the scripted server, and what the transport reports for each.
@Suite(.serialized) struct ScriptedFaultTests {
    func send(_ script: String, replyTimeout: Duration = .seconds(3), _ messages: [ComposedMessage] = [Fixtures.message(1)])
        throws -> (TestServer, [DeliveryAttempt])
    {
        let server = try TestServer.scripted(script)
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)", replyTimeout: replyTimeout))
        let attempts = messages.map { connection.send($0) }
        connection.close()
        return (server, attempts)
    }

    @Test func greeting421() throws {
        let (server, attempts) = try send(#"{"connections": [{"greeting": "421 4.3.2 too busy, try later"}]}"#)
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        #expect(attempt.failure == .rejected)
        #expect(attempt.reply == SMTPReply(code: 421, enhancedCode: "4.3.2", text: "too busy, try later"))
        #expect(attempt.stage == .greeting)
        #expect(!attempt.messageFullySent)
    }

    @Test func garbageGreetingTimesOut() throws {
        let (server, attempts) = try send(#"{"connections": [{"greeting": {"action": "garbage"}}]}"#, replyTimeout: .seconds(1))
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        // libcurl skips lines that do not start with a reply code, waiting for one: a timeout.
        #expect(attempt.failure == .timedOut, "\(attempt)")
        #expect(attempt.stage == .greeting)
        #expect(attempt.reply == nil)
    }

    @Test(arguments: [
        ("451 4.7.1 greylisted, try again later", 451, "4.7.1"),
        ("550 5.1.1 no such user here", 550, "5.1.1"),
    ])
    func refusedAtRcpt(_ reply: String, _ code: Int, _ enhanced: String) throws {
        let (server, attempts) = try send(#"{"connections": [{"RCPT": "\#(reply)"}]}"#)
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        #expect(attempt.failure == .rejected)
        #expect(attempt.reply?.code == code)
        #expect(attempt.reply?.enhancedCode == enhanced)
        #expect(attempt.stage == .rcptTo)
        #expect(!attempt.messageFullySent)
        #expect(!(try server.receivedLines().contains("DATA")))
    }

    @Test func refusedAfterData() throws {
        let (server, attempts) = try send(#"{"connections": [{"DOT": "552 5.3.4 message too big for this system"}]}"#)
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        #expect(attempt.failure == .rejected)
        #expect(attempt.reply == SMTPReply(code: 552, enhancedCode: "5.3.4", text: "message too big for this system"))
        #expect(attempt.stage == .endOfData)
        #expect(attempt.messageFullySent)
    }

    @Test func connectionClosedBeforeTheFinalReply() throws {
        let (server, attempts) = try send(#"{"connections": [{"DOT": {"action": "close"}}]}"#)
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        #expect(attempt.failure == .connectionLost, "\(attempt)")
        #expect(attempt.messageFullySent)
        #expect(attempt.stage == .endOfData)
        #expect(attempt.reply == nil)
        #expect(!attempt.retriedOnFreshConnection)
        let data = try server.log().compactMap { $0["data"] as? String }
        #expect(data == [String(decoding: Fixtures.message(1).bytes, as: UTF8.self)])
    }

    @Test func finalReplyNeverComes() throws {
        let (server, attempts) = try send(#"{"connections": [{"DOT": {"action": "stall"}}]}"#, replyTimeout: .seconds(1))
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        #expect(attempt.failure == .timedOut, "\(attempt)")
        #expect(attempt.messageFullySent)
        #expect(attempt.stage == .endOfData)
        #expect(attempt.reply == nil)  // the 354 before it is not the answer
    }

    @Test func idleConnectionClosedWith421IsRetriedOnAFreshOne() throws {
        let script = #"{"connections": [{"DOT": {"action": "421-then-close-when-idle", "reply": "250 2.0.0 Ok: queued as ONE", "idle_seconds": 0.2}}, {}]}"#
        let server = try TestServer.scripted(script)
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)"))
        let first = connection.send(Fixtures.message(1))
        #expect(first.failure == nil)
        #expect(try server.waitForEvent("idle-closed"))
        let second = connection.send(Fixtures.message(2))
        #expect(second.failure == nil, "\(second)")
        #expect(second.retriedOnFreshConnection)
        #expect(second.reply?.text == "Ok: queued as SCRIPTED")
        let connects = try server.log().filter { $0["event"] as? String == "connect" }.count
        #expect(connects == 2)
        connection.close()
    }

    @Test func connectionRefused() throws {
        // A port that was free a moment ago: bind, read it, close.
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        close(socketFD)
        let attempt = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(port)")).send(Fixtures.message(1))
        #expect(attempt.failure == .couldNotConnect, "\(attempt)")
        #expect(attempt.stage == .connect)
        #expect(!attempt.messageFullySent)
    }

    @Test(arguments: [
        "victim@example.org\r\nRCPT TO:<evil@example.net>",
        "victim@example.org\nRCPT TO:<evil@example.net>",
        "victim@example.org>\r\nRCPT TO:<evil@example.net",
        "<victim@example.org>",
        "victim@example.org\u{0}",
    ])
    func injectedAddressNeverReachesTheWire(_ recipient: String) throws {
        let bad = Fixtures.message(1, recipients: [recipient])
        let (server, attempts) = try send("{}", [bad, Fixtures.message(2)])
        defer { server.stop() }
        guard case .local(let reason) = attempts[0].failure else {
            Issue.record("expected a local refusal, got \(attempts[0])")
            return
        }
        #expect(reason.contains("refused envelope recipient"))
        #expect(!reason.contains("\r") && !reason.contains("\n"))
        #expect(attempts[1].failure == nil)
        let rcpts = try server.receivedLines().filter { $0.uppercased().hasPrefix("RCPT") }
        #expect(rcpts == ["RCPT TO:<\(Fixtures.recipient)>"])
    }

    @Test func injectedSenderNeverReachesTheWire() throws {
        var message = Fixtures.message(1)
        message.envelope.sender = "a@example.com>\r\nRCPT TO:<evil@example.net"
        let (server, attempts) = try send("{}", [message])
        defer { server.stop() }
        #expect(attempts[0].stage == .mailFrom)
        if case .local = attempts[0].failure {} else { Issue.record("expected a local refusal, got \(attempts[0])") }
        #expect(try server.receivedLines().isEmpty)
    }

    /// A relay that stops answering after RCPT: one reply timeout, then the connection is given up.
    /// libcurl writes its QUIT, and would wait a second reply timeout for the 221; the socket is
    /// shut instead (see CurlTransferContextTests for the decision itself).
    @Test func stallAfterRcptTimesOutAndTheConnectionIsGivenUp() throws {
        let (server, attempts) = try send(#"{"connections": [{"RCPT": {"action": "stall"}}]}"#, replyTimeout: .seconds(1))
        defer { server.stop() }
        let attempt = try #require(attempts.first)
        #expect(attempt.failure == .timedOut, "\(attempt)")
        #expect(attempt.stage == .rcptTo)
        #expect(!attempt.messageFullySent)
        #expect(try server.waitForEvent("client-gone-while-stalled"))
        #expect(try server.log().compactMap { $0["while-stalled"] as? String } == ["QUIT\r\n"])
    }
}

/// Refusals that every message on the relay would get, as the transport reports them.
@Suite(.serialized) struct SessionRefusalTests {
    static let offersAuthAndStartTLS = #""EHLO": "250-scripted.test\n250-AUTH PLAIN LOGIN\n250-STARTTLS\n250 8BITMIME""#
    static let offersAuth = #""EHLO": "250-scripted.test\n250-AUTH PLAIN LOGIN\n250 8BITMIME""#

    func attempt(_ script: String, url: (Int) -> String = { "smtp://127.0.0.1:\($0)" }, caFile: String? = nil,
                 username: String? = nil, password: String? = nil) throws -> (TestServer, DeliveryAttempt) {
        let server = try TestServer.scripted(script)
        let settings = try Fixtures.settings(url(server.port), username: username, password: password, caFile: caFile)
        let connection = Fixtures.connection(settings)
        let attempt = connection.send(Fixtures.message(1))
        connection.close()
        return (server, attempt)
    }

    @Test(arguments: ["", "this is not a certificate\n", "-----BEGIN CERTIFICATE REQUEST-----\nMIIBVTCBvwIBADAWMRQwEgYDVQQDDAtleGFtcGxlLmNvbTCBnzANBgkqhkiG9w0B\n-----END CERTIFICATE REQUEST-----\n"])
    func unusableCAFileIsATLSSetUpFailure(contents: String) throws {
        let directory = try TestServer.makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let caFile = directory.appendingPathComponent("ca.pem").path
        try contents.write(toFile: caFile, atomically: true, encoding: .utf8)
        let (server, attempt) = try attempt("{}", url: { "smtps://127.0.0.1:\($0)" }, caFile: caFile)
        defer { server.stop() }
        #expect(attempt.failure == .tlsSetupFailed, "\(attempt)")
        #expect(DeliveryClassifier.verdict(for: attempt) == .configuration)
        let explanation = DeliveryClassifier.explanation(for: attempt)
        #expect(explanation.components(separatedBy: attempt.detail).count == 2, "detail said more than once: \(explanation)")
    }

    @Test(arguments: [
        (#"{"connections": [{\#(offersAuth), "RCPT": "554 5.7.1 <ada@example.org>: Relay access denied"}]}"#, SMTPStage.rcptTo),
        (#"{"connections": [{\#(offersAuth), "MAIL": "530 5.7.0 Authentication required"}]}"#, .mailFrom),
    ])
    func refusalForWantOfAuthenticationWithoutCredentials(script: String, stage: SMTPStage) throws {
        let (server, attempt) = try attempt(script)
        defer { server.stop() }
        #expect(attempt.failure == .authenticationRequired, "\(attempt)")
        #expect(attempt.stage == stage)
        #expect(DeliveryClassifier.verdict(for: attempt) == .configuration)
        #expect(DeliveryClassifier.explanation(for: attempt).contains("MAILROOM_SMTP_PASSWORD"))
    }

    /// Without AUTH on offer, a 5.7.1 at RCPT is about that recipient: a permanent failure of it.
    @Test func recipientPolicyRefusalWithoutAuthOnOfferIsPermanent() throws {
        let (server, attempt) = try attempt(#"{"connections": [{"RCPT": "554 5.7.1 <ada@example.org>: Recipient address rejected"}]}"#)
        defer { server.stop() }
        #expect(attempt.failure == .rejected, "\(attempt)")
        #expect(DeliveryClassifier.verdict(for: attempt) == .permanent)
    }

    @Test func startTLSRequiredOnAPlainConnectionSaysHowToAskForIt() throws {
        let script = #"{"connections": [{\#(Self.offersAuthAndStartTLS), "MAIL": "530 5.7.0 Must issue a STARTTLS command first"}]}"#
        let (server, attempt) = try attempt(script, url: { "smtp://localhost:\($0)" })
        defer { server.stop() }
        #expect(attempt.failure == .encryptionRequired, "\(attempt)")
        #expect(DeliveryClassifier.verdict(for: attempt) == .configuration)
        #expect(DeliveryClassifier.explanation(for: attempt).contains("?tls=starttls"))
    }
}
