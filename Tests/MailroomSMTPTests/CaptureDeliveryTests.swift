import Foundation
import Mailroom
import MailroomSMTP
import MailroomTesting
import Testing

/// Delivery to a real SMTP server (aiosmtpd) on loopback, comparing the bytes it received.
@Suite(.serialized) struct CaptureDeliveryTests {
    @Test func threeMessagesOverOneReusedConnection() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)"))
        let messages = (1...3).map { Fixtures.message($0) }
        for (index, message) in messages.enumerated() {
            let attempt = connection.send(message)
            #expect(attempt.failure == nil, "\(attempt.detail)")
            #expect(attempt.reply == SMTPReply(code: 250, enhancedCode: "2.0.0", text: String(format: "Ok: queued as CAP%04d", index + 1)))
            #expect(attempt.stage == .endOfData)
            #expect(attempt.messageFullySent)
            #expect(!attempt.retriedOnFreshConnection)
        }
        for (index, message) in messages.enumerated() {
            #expect(try server.capturedMessage(index + 1) == message.bytes)
            let envelope = try server.capturedEnvelope(index + 1)
            #expect(envelope["mail_from"] as? String == Fixtures.sender)
            #expect(envelope["rcpt_tos"] as? [String] == [Fixtures.recipient])
            #expect(envelope["connection"] as? Int == 1)
        }
        #expect(try server.stats() == ["connections": 1, "ehlo": 1, "messages": 3])
        connection.close()
    }

    @Test func closeSaysGoodbyeAndTheNextSendReconnects() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)"))
        #expect(connection.send(Fixtures.message(1)).failure == nil)
        connection.close()
        #expect(connection.send(Fixtures.message(2)).failure == nil)
        #expect(try server.capturedEnvelope(2)["connection"] as? Int == 2)
        #expect(try server.stats()["ehlo"] == 2)
    }

    @Test func dotsAndEndOfDataLookalikesArriveIntact() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let body = ".leading dot\r\n..two dots\r\nmiddle\r\n.\r\nafter a lone dot\r\n.\r\n\r\n.end\r\n"
        let message = Fixtures.message(1, body: body)
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)"))
        let attempt = connection.send(message)
        #expect(attempt.failure == nil, "\(attempt.detail)")
        #expect(try server.capturedMessage(1) == message.bytes)
    }

    @Test func severalRecipientsInOneTransaction() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let recipients = ["a@example.org", "b@example.net", "c+tag@example.com"]
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)"))
        #expect(connection.send(Fixtures.message(1, recipients: recipients)).failure == nil)
        #expect(try server.capturedEnvelope(1)["rcpt_tos"] as? [String] == recipients)
    }

    @Test func largeMessageArrivesIntact() throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let line = String(repeating: "0123456789abcdef", count: 4) + "\r\n"
        let message = Fixtures.message(1, body: String(repeating: line, count: 20_000))  // ~1.3 MB
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)"))
        #expect(connection.send(message).failure == nil)
        #expect(try server.capturedMessage(1) == message.bytes)
    }
}
