import Foundation
import Mailroom
import Synchronization

/// A clock the test moves by hand.
///
/// As a ``DeliveryClock`` its time also moves when a dispatcher's worker waits with a timeout:
/// by that timeout, at once. A retry or a rate-limited attempt is therefore made exactly when it
/// is due, and a test of the schedule waits for no real time. A wait without a timeout (for
/// work) is a real wait, ended by the dispatcher's signal.
public final class ManualTestClock: DeliveryClock {
    private let startDate: Date
    private let startInstant = ContinuousClock.now
    private let elapsed = Mutex(Duration.zero)

    public init(_ start: Date = Date(timeIntervalSince1970: 1_796_000_000)) {
        startDate = start
    }

    public var now: Date { startDate.addingTimeInterval(elapsed.withLock { $0 }.seconds) }

    public var instant: ContinuousClock.Instant { startInstant.advanced(by: elapsed.withLock { $0 }) }

    public func advance(by seconds: TimeInterval) {
        advance(by: .seconds(seconds))
    }

    public func advance(by duration: Duration) {
        elapsed.withLock { $0 += duration }
    }

    public func wait(on condition: NSCondition, timeout: Duration?) {
        guard let timeout else { return condition.wait() }
        advance(by: timeout)
    }

    public var closure: @Sendable () -> Date { { self.now } }
}
