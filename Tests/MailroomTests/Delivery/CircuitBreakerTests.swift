import Foundation
import Mailroom
import Synchronization
import Testing

@Suite struct CircuitBreakerTests {
    /// A clock the test moves by hand.
    final class ManualTime: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func now() -> Date { current.withLock { $0 } }
        func advance(_ seconds: TimeInterval) { current.withLock { $0.addTimeInterval(seconds) } }
    }

    /// Records an outcome; whether it opened the circuit.
    func opens(_ breaker: inout CircuitBreaker, _ outcome: CircuitBreaker.Outcome) -> Bool { breaker.record(outcome) }

    /// Whether an attempt may go ahead now (it becomes the probe when the pause is over).
    func admits(_ breaker: inout CircuitBreaker) -> Bool { breaker.refusal() == nil }

    func breaker(_ time: ManualTime) -> CircuitBreaker {
        CircuitBreaker(threshold: 3, pause: .seconds(60), now: { time.now() })
    }

    @Test func opensAfterTheThresholdOfUnresponsiveAttemptsInARow() {
        let time = ManualTime()
        var breaker = breaker(time)
        #expect(!opens(&breaker, .unresponsive))
        #expect(!opens(&breaker, .unresponsive))
        #expect(!opens(&breaker, .answered))  // an answer resets the count
        #expect(!opens(&breaker, .unresponsive))
        #expect(!opens(&breaker, .unresponsive))
        #expect(admits(&breaker))
        #expect(opens(&breaker, .unresponsive))
        #expect(breaker.isOpen)
        let reason = breaker.refusal()
        #expect(reason?.contains("3 attempts in a row") == true)
    }

    @Test func afterThePauseOneProbeGoesThroughAndItsAnswerCloses() {
        let time = ManualTime()
        var breaker = breaker(time)
        for _ in 0..<3 { breaker.record(.unresponsive) }
        time.advance(59)
        #expect(!admits(&breaker))
        time.advance(1)
        #expect(admits(&breaker))  // the probe
        #expect(!admits(&breaker))  // nobody else while it is out
        breaker.record(.answered)
        #expect(!breaker.isOpen)
        #expect(admits(&breaker))
        #expect(admits(&breaker))
    }

    @Test func aProbeWithoutAnAnswerOpensForAnotherPause() {
        let time = ManualTime()
        var breaker = breaker(time)
        for _ in 0..<3 { breaker.record(.unresponsive) }
        time.advance(60)
        #expect(admits(&breaker))
        #expect(!opens(&breaker, .unresponsive))  // already open: not a new opening
        #expect(!admits(&breaker))
        time.advance(60)
        #expect(admits(&breaker))
    }

    @Test(arguments: [
        (TransportFailure.couldNotConnect, SMTPStage.connect, CircuitBreaker.Outcome.unresponsive),
        (.couldNotResolveHost, .connect, .unresponsive),
        (.timedOut, .greeting, .unresponsive),
        (.timedOut, .rcptTo, .unresponsive),
        (.timedOut, .endOfData, .unresponsive),
        (.rejected, .rcptTo, .answered),
        (.connectionLost, .mailFrom, .answered),
    ])
    func whatCountsAsUnresponsive(failure: TransportFailure, stage: SMTPStage, expected: CircuitBreaker.Outcome) {
        let attempt = DeliveryAttempt(failure: failure, reply: nil, stage: stage, messageFullySent: stage == .endOfData)
        #expect(CircuitBreaker.outcome(of: attempt) == expected)
    }
}
