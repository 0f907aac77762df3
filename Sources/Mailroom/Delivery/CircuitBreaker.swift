import Foundation

/// Stops attempts to a relay that does not respond, and lets one through again after a pause.
///
/// A relay that cannot be reached, or that stops answering (a timeout at any stage), costs a
/// connect or reply timeout per attempt, and a large run of them costs hours for nothing. After
/// `threshold` such attempts in a row the circuit opens: attempts are refused (the dispatcher
/// defers their messages) until `pause` has passed; then one attempt is let through as a probe.
/// A probe that gets an answer closes the circuit; one that does not opens it for another pause.
///
/// Not thread-safe: the dispatcher calls it under its lock. Time comes from the injected `now`.
package struct CircuitBreaker: Sendable {
    package enum Outcome: Sendable {
        /// The relay answered (whatever it said).
        case answered
        /// No answer: could not connect or resolve, or a reply timed out.
        case unresponsive
    }

    package let threshold: Int
    package let pause: Duration
    private let now: @Sendable () -> Date
    private var consecutiveUnresponsive = 0
    private var openUntil: Date?
    private var probing = false

    package init(threshold: Int, pause: Duration, now: @escaping @Sendable () -> Date) {
        self.threshold = max(1, threshold)
        self.pause = pause
        self.now = now
    }

    /// Why attempts are refused now, or nil when one may go ahead. A nil after the pause makes
    /// the caller's attempt the probe: further callers are refused until it is recorded.
    package mutating func refusal() -> String? {
        guard let until = openUntil else { return nil }
        if probing || now() < until {
            return "relay not responding after \(consecutiveUnresponsive) attempts in a row that timed out or could not connect"
        }
        probing = true
        return nil
    }

    /// True while attempts are refused (a probe in flight counts as open).
    package var isOpen: Bool { openUntil != nil }

    /// While the circuit is open: when the next probe may go (past, once it may or did).
    package var reopensAt: Date? { openUntil }

    /// Counts one attempt's outcome; returns true when this outcome opened the circuit.
    @discardableResult
    package mutating func record(_ outcome: Outcome) -> Bool {
        switch outcome {
        case .answered:
            consecutiveUnresponsive = 0
            openUntil = nil
            probing = false
            return false
        case .unresponsive:
            consecutiveUnresponsive += 1
            let wasOpen = openUntil != nil
            if wasOpen || consecutiveUnresponsive >= threshold {
                openUntil = now().addingTimeInterval(pause.seconds)
                probing = false
            }
            return !wasOpen && openUntil != nil
        }
    }

    /// What an attempt means for the relay's health.
    package static func outcome(of attempt: DeliveryAttempt) -> Outcome {
        switch attempt.failure {
        case .couldNotConnect?, .couldNotResolveHost?, .timedOut?: .unresponsive
        default: .answered
        }
    }
}
