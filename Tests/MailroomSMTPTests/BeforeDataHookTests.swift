import Foundation
import Mailroom
import MailroomSMTP
import MailroomTesting
import Testing

/// The hook that lets the outbox journal an attempt only once the server may get the message.
@Suite(.serialized) struct BeforeDataHookTests {
    func countAnnouncements(_ script: String) throws -> (Int, DeliveryAttempt) {
        let server = try TestServer.scripted(script)
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)", replyTimeout: .seconds(3)))
        defer { connection.close() }
        var announcements = 0
        let attempt = connection.send(Fixtures.message(1)) {
            announcements += 1
            return true
        }
        return (announcements, attempt)
    }

    @Test func calledOnceWhenTheMessageIsSent() throws {
        let (announcements, attempt) = try countAnnouncements(#"{"connections": [{}]}"#)
        #expect(attempt.failure == nil)
        #expect(announcements == 1)
    }

    @Test func notCalledWhenRefusedBeforeData() throws {
        let (announcements, attempt) = try countAnnouncements(#"{"connections": [{"RCPT": "550 5.1.1 no such user"}]}"#)
        #expect(attempt.reply?.code == 550)
        #expect(announcements == 0)
    }

    @Test func calledWhenTheConnectionIsLostAfterTheData() throws {
        let (announcements, attempt) = try countAnnouncements(#"{"connections": [{"DOT": {"action": "close"}}]}"#)
        #expect(attempt.messageFullySent)
        #expect(announcements == 1)
    }

    @Test func calledOnceAcrossTheFreshConnectionRetry() throws {
        let server = try TestServer.scripted(#"{"connections": [{"DOT": {"action": "421-then-close-when-idle", "reply": "250 2.0.0 Ok", "idle_seconds": 0.2}}, {}]}"#)
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)", replyTimeout: .seconds(3)))
        defer { connection.close() }
        var counts: [Int] = []
        for n in 1...2 {
            var announcements = 0
            let attempt = connection.send(Fixtures.message(n)) {
                announcements += 1
                return true
            }
            #expect(attempt.failure == nil, "\(attempt)")
            counts.append(announcements)
            Thread.sleep(forTimeInterval: 0.6)
        }
        #expect(counts == [1, 1])
    }

    /// A run that is stopping gives a transaction up at the data: the server gets none of it,
    /// and the connection is usable again afterwards (it reconnects).
    @Test func givingUpAtTheDataSendsNoneOfIt() throws {
        let server = try TestServer.scripted(#"{"connections": [{}]}"#)
        defer { server.stop() }
        let connection = Fixtures.connection(try Fixtures.settings("smtp://127.0.0.1:\(server.port)", replyTimeout: .seconds(3)))
        defer { connection.close() }
        let abandoned = connection.send(Fixtures.message(1)) { false }
        #expect(abandoned.failure == .abandoned, "\(abandoned)")
        #expect(!abandoned.messageFullySent)
        #expect(DeliveryClassifier.verdict(for: abandoned) == .transient)
        let next = connection.send(Fixtures.message(2))
        #expect(next.failure == nil, "\(next)")
        let data = try server.log().compactMap { $0["data"] as? String }
        #expect(data == [String(decoding: Fixtures.message(2).bytes, as: UTF8.self)])
    }
}
