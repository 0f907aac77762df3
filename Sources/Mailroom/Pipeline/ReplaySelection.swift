import Foundation

/// Which stored messages `mailroom replay` delivers.
///
/// By default: `held` and `queued` ones (a run stopped or crashed before trying them) and the
/// `deferred` ones whose next attempt is due. Naming `--state deferred` takes every deferred one
/// (an operator's flush). `sent` and `uncertain` ones only with `force`: each may already have arrived.
package struct ReplaySelection: Sendable, Equatable {
    package var states: Set<MessageState>?
    package var eventIDs: [String] = []
    /// Only messages stored at or after this time.
    package var since: Date?
    package var force = false

    package init(states: Set<MessageState>? = nil, eventIDs: [String] = [], since: Date? = nil, force: Bool = false) {
        self.states = states
        self.eventIDs = eventIDs
        self.since = since
        self.force = force
    }

    package static let defaultStates: Set<MessageState> = [.held, .queued, .deferred]
    /// States that may mean the recipient already has the message, or (`expired`) that it is no
    /// longer true: only an operator's decision sends them.
    package static let forceOnlyStates: Set<MessageState> = [.sent, .uncertain, .failed, .expired]

    /// Nil when the selection is acceptable, else what is wrong, for a usage error.
    package var problem: String? {
        if !force, let states, let risky = states.intersection(Self.forceOnlyStates).sorted(by: { $0.rawValue < $1.rawValue }).first {
            if risky == .expired {
                return "--state expired needs --force: such a message's deadline has passed, so it may tell its reader to act by a date that is gone"
            }
            return "--state \(risky.rawValue) needs --force: such a message may already have been delivered"
        }
        return nil
    }

    /// The states a claim may take the message from.
    package var claimableStates: Set<MessageState> {
        var allowed = states ?? Self.defaultStates
        if force && !eventIDs.isEmpty && states == nil { allowed.formUnion(Self.forceOnlyStates) }
        return allowed
    }

    /// The store query for this selection at time `now`: without an explicit state or event id,
    /// a deferred message waits for its next attempt time.
    package func filter(now: Date) -> RecordFilter {
        RecordFilter(states: claimableStates, eventIDs: eventIDs, since: since,
                     dueAt: states == nil && eventIDs.isEmpty ? now : nil)
    }
}
