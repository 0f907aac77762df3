import DequeModule
import Foundation

/// A bounded first-in first-out queue between two threads; `put` blocks while full.
///
/// Lets the input reader run ahead of the pipeline by a bounded amount, and lets the pipeline
/// wait for input with a timeout (to commit a partial batch when a stream goes quiet).
final class BlockingQueue<Element: Sendable>: @unchecked Sendable {
    // `items` and `closed` are guarded by `condition`.
    private let condition = NSCondition()
    private var items = Deque<Element>()
    private var closed = false
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    enum Taken {
        case item(Element)
        case timedOut
        case closed
    }

    func put(_ element: Element) {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= capacity && !closed { condition.wait() }
        guard !closed else { return }
        items.append(element)
        condition.broadcast()
    }

    /// No more `put`s; `take` drains what is left, then reports `.closed`.
    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// The next element, waiting at most `timeout` (forever when nil).
    func take(timeout: Duration? = nil) -> Taken {
        condition.lock()
        defer { condition.unlock() }
        let deadline = timeout.map { Date().addingTimeInterval($0.seconds) }
        while items.isEmpty {
            if closed { return .closed }
            if let deadline {
                if !condition.wait(until: deadline) && items.isEmpty { return closed ? .closed : .timedOut }
            } else {
                condition.wait()
            }
        }
        let element = items.removeFirst()
        condition.broadcast()
        return .item(element)
    }
}
