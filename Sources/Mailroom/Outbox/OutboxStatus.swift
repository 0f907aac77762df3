import Foundation

/// The summary `mailroom outbox status` prints.
public struct OutboxStatus: Sendable, Equatable {
    /// Messages per state; every state is present, zero when none.
    public var counts: [MessageState: Int]
    /// Rejected input lines, and the times an already stored event id came again.
    public var rejected: Int
    public var duplicates: Int
    /// Messages leased right now by a deliverer.
    public var leased: Int
    /// Creation time of the oldest message still waiting: `queued`, `held` or `deferred`.
    public var oldestUnsentAt: Date?
    /// The earliest next attempt time among `deferred` messages.
    public var nextRetryAt: Date?
    /// When the status was taken (the outbox clock), to compute ages from.
    public var takenAt: Date

    public var total: Int { counts.values.reduce(0, +) }

    /// Age of the oldest waiting message at `takenAt`.
    public var oldestUnsentAge: TimeInterval? {
        oldestUnsentAt.map { takenAt.timeIntervalSince($0) }
    }

    public init(
        counts: [MessageState: Int], rejected: Int, duplicates: Int, leased: Int, oldestUnsentAt: Date?,
        nextRetryAt: Date?, takenAt: Date
    ) {
        self.counts = counts
        self.rejected = rejected
        self.duplicates = duplicates
        self.leased = leased
        self.oldestUnsentAt = oldestUnsentAt
        self.nextRetryAt = nextRetryAt
        self.takenAt = takenAt
    }
}

/// What ``OutboxStore/recoverAbandonedLeases()`` found and did.
public struct RecoveryReport: Sendable, Equatable {
    /// Event ids whose unfinished attempt made them `uncertain`.
    public var markedUncertain: [String] = []
    /// Event ids whose lease was dropped with no attempt in flight: due again in the state they had.
    public var released: [String] = []

    public init() {}
}
