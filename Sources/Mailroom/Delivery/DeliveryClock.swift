import Foundation

/// The time a ``DeliveryDispatcher`` runs on: injected so that tests drive in-run retries, the
/// rate limit and the circuit breaker on a manual clock instead of waiting for them.
///
/// Two readings, because they answer two questions: `now` is wall time, for what is recorded
/// and compared with stored dates (a next attempt, a deadline, the breaker's pause); `instant`
/// is monotonic, for waits within the run, so a step of the wall clock neither stretches nor
/// cuts them.
package protocol DeliveryClock: Sendable {
    var now: Date { get }
    var instant: ContinuousClock.Instant { get }
    /// Waits on `condition`, which the caller holds, until it is signalled or `timeout` has
    /// passed (nil: until it is signalled). It may return early: callers check their state again.
    func wait(on condition: NSCondition, timeout: Duration?)
}

/// The system's clocks and a real wait.
package struct SystemDeliveryClock: DeliveryClock {
    package init() {}

    package var now: Date { Date() }

    package var instant: ContinuousClock.Instant { .now }

    package func wait(on condition: NSCondition, timeout: Duration?) {
        guard let timeout else { return condition.wait() }
        _ = condition.wait(until: Date().addingTimeInterval(timeout.seconds))
    }
}
