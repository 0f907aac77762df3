import Foundation
import Logging
import Mailroom
import MailroomTesting
import Synchronization
import Testing

/// `smtp.rate_limit` across all connections, and the retry lifetime while the relay is down.
@Suite struct DeliveryDispatcherLimitsTests {
    static func job(_ n: Int, storedAt: Date, previousFailures: Int = 0) -> DeliveryJob {
        let message = ComposedMessage(envelope: Envelope(sender: "a@example.com", recipients: ["r\(n)@example.com"]),
                                      messageID: "<limit\(n)@example.com>", bytes: Array("Subject: \(n)\r\n\r\nbody\r\n".utf8))
        return DeliveryJob(eventID: "evt_\(n)", message: message, storedAt: storedAt, previousFailures: previousFailures)
    }

    /// On a manual clock, which moves when a worker waits for its slot: the k-th attempt to
    /// start cannot start before k intervals (200 ms at 5/s) have passed, whichever of the four
    /// connections makes it. A lower bound only: a worker may note its start after another
    /// worker has moved the clock on to the next slot.
    @Test("the rate limit spaces attempts over all connections together")
    func rateLimitSpacesAttempts() throws {
        let clock = ManualTestClock()
        let starts = Mutex<[ContinuousClock.Instant]>([])
        let transport = InMemoryTransport { _, _ in
            starts.withLock { $0.append(clock.instant) }
            return .sent(reply: SMTPReply(code: 250, text: "ok"))
        }
        let limit = try #require(RateLimit(parsing: "5/s"))
        let observer = RecordingObserver()
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 4, policy: .default, observer: observer,
                                            logger: Logger(label: "test"), clock: clock, rateLimit: limit)
        let began = clock.instant
        dispatcher.start()
        for n in 0..<6 { dispatcher.submit(Self.job(n, storedAt: clock.now)) }
        #expect(dispatcher.finish() == nil)
        #expect(transport.deliveries.count == 6)
        let times = starts.withLock { $0 }.sorted()
        #expect(times.count == 6)
        for (k, time) in times.enumerated() {
            #expect(began.duration(to: time) >= .milliseconds(200) * k, "attempt \(k + 1) after \(began.duration(to: time))")
        }
    }

    @Test("a message refused while the relay does not respond, past its retry lifetime, is failed without an attempt")
    func outageBeyondLifetimeFails() {
        let transport = InMemoryTransport { _, _ in
            DeliveryAttempt(failure: .couldNotConnect, reply: nil, stage: .connect, messageFullySent: false)
        }
        let observer = RecordingObserver()
        let policy = RetryPolicy(attempts: 1, initialDelay: .milliseconds(1), maxDelay: .milliseconds(1), lifetime: .seconds(60))
        let clock = ManualTestClock()
        let dispatcher = DeliveryDispatcher(transport: transport, connections: 1, policy: policy, observer: observer,
                                            logger: Logger(label: "test"), clock: clock, circuitBreakerThreshold: 1,
                                            circuitBreakerPause: .seconds(3600))
        dispatcher.start()
        let old = clock.now.addingTimeInterval(-120)
        dispatcher.submit(Self.job(0, storedAt: clock.now))
        dispatcher.submit(Self.job(1, storedAt: old, previousFailures: 3))
        dispatcher.submit(Self.job(2, storedAt: clock.now, previousFailures: 3))
        dispatcher.finish()
        let finals = observer.finalDispositions()
        #expect(transport.totalAttempts == 1, "only the first reaches the relay")
        #expect(finals["evt_1"] == .failed, "\(finals)")
        if case .deferred(let until)? = finals["evt_2"] {
            #expect(until <= clock.now.addingTimeInterval(60), "never deferred past its lifetime")
        } else {
            Issue.record("within its lifetime it is deferred: \(finals)")
        }
        #expect(dispatcher.relayPausedUntil != nil)
    }
}
