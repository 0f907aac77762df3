import Foundation
import Logging
import Mailroom
import MailroomTesting
import Synchronization
import Testing

/// When the dispatcher makes each attempt: the backoff between in-run retries, its ceiling and
/// jitter, and the circuit breaker's pause and probe. All on a manual clock, so the schedule is
/// exact and no real time is waited.
@Suite struct DeliveryScheduleTests {
    static let start = Date(timeIntervalSince1970: 1_796_000_000)

    static func job(_ n: Int) -> DeliveryJob {
        let message = ComposedMessage(envelope: Envelope(sender: "a@example.com", recipients: ["r\(n)@example.com"]),
                                      messageID: "<schedule\(n)@example.com>", bytes: Array("Subject: \(n)\r\n\r\nbody\r\n".utf8))
        return DeliveryJob(eventID: "evt_\(n)", message: message, storedAt: start)
    }

    static let tryLater = DeliveryAttempt(failure: .rejected, reply: SMTPReply(code: 451, text: "try later"),
                                          stage: .rcptTo, messageFullySent: false)
    static let noConnection = DeliveryAttempt(failure: .couldNotConnect, reply: nil, stage: .connect, messageFullySent: false)
    static let accepted = DeliveryAttempt.sent(reply: SMTPReply(code: 250, text: "ok"))

    /// An in-memory transport that answers with `respond` (given the message's attempt number)
    /// and notes on `clock` when each attempt was made.
    final class TimedTransport: Sendable {
        let transport: InMemoryTransport
        private let log: AttemptLog

        final class AttemptLog: Sendable {
            let times = Mutex<[String: [ContinuousClock.Instant]]>([:])
        }

        init(clock: ManualTestClock, respond: @escaping @Sendable (Int) -> DeliveryAttempt) {
            let log = AttemptLog()
            self.log = log
            transport = InMemoryTransport { message, attempt in
                log.times.withLock { $0[message.messageID, default: []].append(clock.instant) }
                return respond(attempt)
            }
        }

        /// The waits between one message's attempts.
        func gaps(of n: Int) -> [Duration] {
            let list = log.times.withLock { $0["<schedule\(n)@example.com>"] ?? [] }
            return zip(list, list.dropFirst()).map { $0.duration(to: $1) }
        }
    }

    /// Full jitter with the ceiling doubling from 1 s and capped at 3 s: each wait is a uniform
    /// draw from 0 to its ceiling, the draws the seeded generator makes in turn.
    @Test("in-run retries wait full-jitter backoff: uniform up to a doubling ceiling, capped at max_delay")
    func backoffSchedule() throws {
        let clock = ManualTestClock(Self.start)
        let timed = TimedTransport(clock: clock) { _ in Self.tryLater }
        let policy = RetryPolicy(attempts: 5, initialDelay: .seconds(1), maxDelay: .seconds(3), lifetime: .seconds(3600))
        let observer = RecordingObserver()
        let dispatcher = DeliveryDispatcher(transport: timed.transport, connections: 1, policy: policy, observer: observer,
                                            logger: Logger(label: "test"), clock: clock, generator: SeededGenerator(seed: 7))
        dispatcher.start()
        dispatcher.submit(Self.job(0))
        #expect(dispatcher.finish() == nil)

        let ceilings: [Double] = [1, 2, 3, 3]
        var oracle = SeededGenerator(seed: 7)
        let expected = ceilings.map { Duration.seconds(Double.random(in: 0...$0, using: &oracle)) }
        let gaps = timed.gaps(of: 0)
        #expect(gaps == expected)
        for (gap, ceiling) in zip(gaps, ceilings) {
            #expect(gap >= .zero && gap <= .seconds(ceiling), "\(gap) past its ceiling \(ceiling) s")
        }
        // After the last attempt of the run: deferred to a later run, at least half the ceiling
        // ahead and at most the ceiling.
        let lastAttempt = Self.start.addingTimeInterval(gaps.reduce(Duration.zero, +).seconds)
        guard case .deferred(let until)? = observer.finalDispositions()["evt_0"] else {
            Issue.record("not deferred: \(observer.finalDispositions())")
            return
        }
        #expect(until.timeIntervalSince(lastAttempt) >= 1.5 - 1e-6 && until.timeIntervalSince(lastAttempt) <= 3 + 1e-6,
                "next attempt \(until.timeIntervalSince(lastAttempt)) s after the last")
    }

    /// Many messages failing at once spread their retries over the window rather than meeting on
    /// the relay at the same instant.
    @Test("the retries of many messages spread over the whole jitter window")
    func jitterSpreadsRetries() {
        let clock = ManualTestClock(Self.start)
        let timed = TimedTransport(clock: clock) { attempt in attempt == 1 ? Self.tryLater : Self.accepted }
        let policy = RetryPolicy(attempts: 2, initialDelay: .seconds(8), maxDelay: .seconds(8), lifetime: .seconds(3600))
        let observer = RecordingObserver()
        let dispatcher = DeliveryDispatcher(transport: timed.transport, connections: 1, policy: policy, observer: observer,
                                            logger: Logger(label: "test"), clock: clock, generator: SeededGenerator(seed: 11))
        dispatcher.start()
        for n in 0..<100 { dispatcher.submit(Self.job(n)) }
        #expect(dispatcher.finish() == nil)
        #expect(timed.transport.deliveries.count == 100)
        let waits = (0..<100).compactMap { timed.gaps(of: $0).first }
        #expect(waits.count == 100)
        #expect(waits.allSatisfy { $0 >= .zero && $0 <= .seconds(8) })
        #expect(Set(waits).count == 100, "two retries drawn for the same instant")
        #expect(waits.min().map { $0 < .seconds(1) } == true && waits.max().map { $0 > .seconds(7) } == true,
                "waits from \(String(describing: waits.min())) to \(String(describing: waits.max()))")
    }

    /// Threshold 2, pause 60 s, one connection: two connect failures open the circuit; messages
    /// meanwhile are deferred without an attempt; after the pause one message is the probe; a
    /// probe without an answer pauses again; one with an answer closes the circuit.
    @Test("the circuit breaker: opens after the threshold, defers while open, probes after the pause, closes on an answer")
    func breakerOpensProbesAndCloses() throws {
        let clock = ManualTestClock(Self.start)
        let attempts = Mutex(0)
        let timed = TimedTransport(clock: clock) { _ in
            // The relay is unreachable for the first three attempts (the first probe included).
            let count = attempts.withLock { (count: inout Int) -> Int in
                count += 1
                return count
            }
            return count <= 3 ? Self.noConnection : Self.accepted
        }
        let policy = RetryPolicy(attempts: 1, initialDelay: .seconds(5), maxDelay: .seconds(5), lifetime: .seconds(3600))
        let observer = RecordingObserver()
        let dispatcher = DeliveryDispatcher(transport: timed.transport, connections: 1, policy: policy, observer: observer,
                                            logger: Logger(label: "test"), clock: clock, circuitBreakerThreshold: 2,
                                            circuitBreakerPause: .seconds(60))
        dispatcher.start()
        var submitted = 0
        /// Submits the next job and waits until the dispatcher has settled it.
        func next() throws -> DeliveryDisposition? {
            dispatcher.submit(Self.job(submitted))
            submitted += 1
            try #require(observer.waitForFinishes(submitted))
            return observer.disposition(of: "evt_\(submitted - 1)")
        }
        func isDeferred(_ disposition: DeliveryDisposition?) -> Bool {
            if case .deferred? = disposition { true } else { false }
        }

        #expect(isDeferred(try next()))
        #expect(dispatcher.relayPausedUntil == nil, "one failure is below the threshold")
        #expect(isDeferred(try next()))
        #expect(dispatcher.relayPausedUntil == Self.start.addingTimeInterval(60))
        #expect(timed.transport.totalAttempts == 2)

        // Open: deferred without an attempt, to the backoff ceiling.
        #expect(try next() == .deferred(until: Self.start.addingTimeInterval(5)))
        clock.advance(by: 59)
        #expect(isDeferred(try next()))
        #expect(timed.transport.totalAttempts == 2)

        // The pause is over: the next message is the probe; no answer, so another pause.
        clock.advance(by: 1)
        #expect(isDeferred(try next()))
        #expect(timed.transport.totalAttempts == 3)
        #expect(dispatcher.relayPausedUntil == Self.start.addingTimeInterval(120))
        #expect(isDeferred(try next()))
        #expect(timed.transport.totalAttempts == 3)

        // The second probe is answered: closed, and the messages after it are attempted.
        clock.advance(by: 60)
        #expect(try next() == .sent)
        #expect(dispatcher.relayPausedUntil == nil)
        #expect(try next() == .sent)
        #expect(timed.transport.totalAttempts == 5)
        #expect(dispatcher.finish() == nil)
    }
}
