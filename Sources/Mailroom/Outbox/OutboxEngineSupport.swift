import Foundation

// What every engine writes the same way, so that the two engines agree on it.

extension OutboxError {
    /// A write under a lease that is no longer the writer's: released, or taken over after its
    /// owner was presumed dead.
    package static func leaseLost(_ lease: Lease) -> OutboxError {
        OutboxError(code: .notClaimed,
                    message: "the lease on \(lease.eventID) is no longer held by \(lease.owner); it was released or taken over")
    }
}

extension OutboxText {
    /// `strings` as a JSON array, the way the journal and the rejected log keep lists.
    package static func jsonArray(_ strings: [String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: strings, options: [.withoutEscapingSlashes])) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

extension Date {
    /// Milliseconds since 1970 UTC, as the outbox stores times.
    package var milliseconds: Int64 { Int64((timeIntervalSince1970 * 1000).rounded(.down)) }

    package init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension LeaseOutcome {
    /// ``OutboxStore/finish(_:)``'s rule, inside the engine's transaction: each outcome applied
    /// in turn, a lease no longer held kept as that outcome's error while the others still
    /// apply; any other failure throws, and the transaction with it.
    package static func applyEach(_ outcomes: [(lease: Lease, outcome: LeaseOutcome)],
                                  _ apply: (Lease, LeaseOutcome) throws -> Void) rethrows -> [OutboxError?] {
        var errors: [OutboxError?] = []
        errors.reserveCapacity(outcomes.count)
        for item in outcomes {
            do {
                try apply(item.lease, item.outcome)
                errors.append(nil)
            } catch let error as OutboxError where !error.isStorageFailure {
                errors.append(error)
            }
        }
        return errors
    }
}

extension RecordFilter {
    /// The selection of ``OutboxStore/records(_:)``: without states, one query; with states, one
    /// per state (each from its own index, stopping at the limit), merged in creation order and
    /// cut at the limit, since a single query over several states would read every matching row
    /// and a state such as `sent` is the whole history.
    package func selectByState(_ select: (MessageState?) throws -> [MessageRecord]) rethrows -> [MessageRecord] {
        guard let states else { return try select(nil) }
        var merged: [MessageRecord] = []
        for state in states.sorted(by: { $0.rawValue < $1.rawValue }) {
            merged += try select(state)
        }
        merged.sort { ($0.createdAt, $0.eventID) < ($1.createdAt, $1.eventID) }
        return Array(merged.prefix(limit))
    }
}
