import Foundation

/// How transient failures are retried: exponential backoff with full jitter, a number of
/// attempts within one run, and a lifetime after which a message is given up as `failed`.
///
/// Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"): the n-th retry waits a
/// uniformly random time in `0 ... min(maxDelay, initialDelay * 2^(n-1))`, which spreads the
/// retries of many messages over the window instead of synchronising them on the relay.
public struct RetryPolicy: Sendable, Equatable {
    /// Attempts per message within one run (the first attempt included); at least 1.
    public var attempts: Int
    public var initialDelay: Duration
    public var maxDelay: Duration
    /// Measured from when the message was stored; past it a transient failure becomes `failed`.
    public var lifetime: Duration

    public init(attempts: Int = 4, initialDelay: Duration = .seconds(1), maxDelay: Duration = .seconds(60),
                lifetime: Duration = .seconds(3 * 24 * 3600)) {
        self.attempts = max(1, attempts)
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
        self.lifetime = lifetime
    }

    public static let `default` = RetryPolicy()

    /// The ceiling of the wait after the `failures`-th consecutive failure (1-based), before jitter.
    package func ceiling(afterFailure failures: Int) -> Duration {
        let exponent = min(max(failures - 1, 0), 40)
        let seconds = initialDelay.seconds * pow(2.0, Double(exponent))
        return .seconds(min(seconds, maxDelay.seconds))
    }

    /// A full-jitter delay after the `failures`-th failure, drawn from `generator`.
    package func delay(afterFailure failures: Int, using generator: inout some RandomNumberGenerator) -> Duration {
        let ceiling = ceiling(afterFailure: failures).seconds
        guard ceiling > 0 else { return .zero }
        return .seconds(Double.random(in: 0...ceiling, using: &generator))
    }

    /// What to do with a message after a transient failure.
    package enum Decision: Sendable, Equatable {
        /// Try again in this run after the delay.
        case retry(after: Duration)
        /// Keep it `deferred` until this time; a later `replay` picks it up.
        case deferUntil(Date)
        /// The lifetime ran out: `failed`.
        case giveUp
    }

    /// - Parameters:
    ///   - attemptsThisRun: attempts already made in this run, the failed one included.
    ///   - totalFailures: consecutive transient failures over the message's whole life.
    package func decision(attemptsThisRun: Int, totalFailures: Int, storedAt: Date, now: Date,
                         using generator: inout some RandomNumberGenerator) -> Decision {
        if now.timeIntervalSince(storedAt) >= lifetime.seconds { return .giveUp }
        let wait = delay(afterFailure: totalFailures, using: &generator)
        if attemptsThisRun < attempts { return .retry(after: wait) }
        let next = now.addingTimeInterval(max(wait.seconds, ceiling(afterFailure: totalFailures).seconds / 2))
        if next.timeIntervalSince(storedAt) >= lifetime.seconds { return .deferUntil(storedAt.addingTimeInterval(lifetime.seconds)) }
        return .deferUntil(next)
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    package var seconds: Double {
        let (s, attos) = components
        return Double(s) + Double(attos) / 1e18
    }
}
