import Synchronization

/// A request to end a run early, from SIGTERM or SIGINT: no more input is read and no new
/// transaction starts; a transaction in flight finishes if its message data has begun, else it
/// is given up before the data (see ``DeliveryDispatcher/interrupt(_:)``). Every result is
/// recorded; the messages not attempted stay in the outbox for `mailroom replay`.
///
/// ``SendPipeline/consume(_:source:stop:)`` and ``ReplayRunner/deliver(_:selection:dispatcher:recorder:stop:)``
/// react to it; the CLI raises it.
package final class StopSignal: Sendable {
    private struct State {
        var reason: String?
        var handlers: [@Sendable (String) -> Void] = []
    }

    private let state = Mutex(State())

    package init() {}

    /// Why the run is stopping, once it is.
    package var reason: String? { state.withLock { $0.reason } }

    /// Raises the signal; later calls are ignored. Runs every handler, on the caller's thread.
    package func raise(_ reason: String) {
        let handlers = state.withLock { state -> [@Sendable (String) -> Void] in
            guard state.reason == nil else { return [] }
            state.reason = reason
            defer { state.handlers = [] }
            return state.handlers
        }
        for handler in handlers { handler(reason) }
    }

    /// Runs `handler` when the signal is raised, or at once if it already was.
    package func onRaise(_ handler: @escaping @Sendable (String) -> Void) {
        let raised = state.withLock { state -> String? in
            if state.reason == nil { state.handlers.append(handler) }
            return state.reason
        }
        if let raised { handler(raised) }
    }
}
