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
