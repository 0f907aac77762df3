import Foundation
import Logging
import Mailroom
import MailroomTesting
import Synchronization
import Testing

/// `smtp.rate_limit` across all connections, and the retry lifetime while the relay is down.
@Suite struct DeliveryDispatcherLimitsTests {
    static func job(_ n: Int, storedAt: Date = Date(), previousFailures: Int = 0) -> DeliveryJob {
        let message = ComposedMessage(envelope: Envelope(sender: "a@example.com", recipients: ["r\(n)@example.com"]),
                                      messageID: "<limit\(n)@example.com>", bytes: Array("Subject: \(n)\r\n\r\nbody\r\n".utf8))
        return DeliveryJob(eventID: "evt_\(n)", message: message, storedAt: storedAt, previousFailures: previousFailures)
    }

    /// A lower bound only: however slow the machine, 6 attempts at 5/s cannot start within less
    /// than a second of each other; the margin covers a worker delayed between its slot and its
    /// send.
    @Test("the rate limit spaces attempts over all connections together")
    func rateLimitSpacesAttempts() throws {
        let starts = Mutex<[ContinuousClock.Instant]>([])
        let transport = InMemoryTransport { _, _ in
            starts.withLock { $0.append(ContinuousClock.now) }
            return .sent(reply: SMTPReply(code: 250, text: "ok"))
        }
        let limit = try #require(RateLimit(parsing: "5/s"))
        let observer = RecordingObserver()
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 4, policy: .default, observer: observer,
                                            logger: Logger(label: "test"), rateLimit: limit)
        dispatcher.start()
        for n in 0..<6 { dispatcher.submit(Self.job(n)) }
        #expect(dispatcher.finish() == nil)
        #expect(transport.deliveries.count == 6)
        let times = starts.withLock { $0 }.sorted()
        let span = try #require(times.first).duration(to: try #require(times.last))
        #expect(span >= .milliseconds(800), "6 attempts at 5/s took only \(span)")
    }

    @Test("a message refused while the relay does not respond, past its retry lifetime, is failed without an attempt")
    func outageBeyondLifetimeFails() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .couldNotConnect, reply: nil, stage: .connect, messageFullySent: false)
        }
        let observer = RecordingObserver()
        let policy = RetryPolicy(attempts: 1, initialDelay: .milliseconds(1), maxDelay: .milliseconds(1), lifetime: .seconds(60))
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 1, policy: policy, observer: observer,
                                            logger: Logger(label: "test"), circuitBreakerThreshold: 1,
                                            circuitBreakerPause: .seconds(3600))
        dispatcher.start()
        let old = Date().addingTimeInterval(-120)
        dispatcher.submit(Self.job(0))
        dispatcher.submit(Self.job(1, storedAt: old, previousFailures: 3))
        dispatcher.submit(Self.job(2, previousFailures: 3))
        dispatcher.finish()
        let finals = observer.finalDispositions()
        #expect(transport.totalAttempts == 1, "only the first reaches the relay")
        #expect(finals["evt_1"] == .failed, "\(finals)")
        if case .deferred(let until)? = finals["evt_2"] {
            #expect(until <= Date().addingTimeInterval(60), "never deferred past its lifetime")
        } else {
            Issue.record("within its lifetime it is deferred: \(finals)")
        }
        #expect(dispatcher.relayPausedUntil != nil)
    }
}
