import Foundation

/// The summary `mailroom outbox status` prints.
public struct OutboxStatus: Sendable, Equatable {
    /// Messages per state; every state is present, zero when none.
    public var counts: [MessageState: Int]
    /// Lines in `rejected.ndjson` and `duplicates.ndjson`.
    public var rejected: Int
    public var duplicates: Int
    /// Message directories that could not be read (see `mailroom outbox` recovery); not in `counts`.
    public var unreadable: Int
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
        counts: [MessageState: Int], rejected: Int, duplicates: Int, unreadable: Int, oldestUnsentAt: Date?,
        nextRetryAt: Date?, takenAt: Date
    ) {
        self.counts = counts
        self.rejected = rejected
        self.duplicates = duplicates
        self.unreadable = unreadable
        self.oldestUnsentAt = oldestUnsentAt
        self.nextRetryAt = nextRetryAt
        self.takenAt = takenAt
    }
}

/// What ``Outbox/recover()`` found and did.
public struct RecoveryReport: Sendable, Equatable {
    /// `tmp/` entries of dead writers that were removed.
    public var removedTemporary: [String] = []
    /// Names (as now under `quarantine/`) of entries moved aside: broken message directories and
    /// `tmp/` entries holding more than plain files.
    public var quarantined: [String] = []
    /// Keys whose torn last journal line was truncated.
    public var repaired: [String] = []
    /// Keys whose unfinished attempt made them `uncertain`.
    public var markedUncertain: [String] = []
    /// Keys skipped because a live process holds their claim.
    public var skippedClaimed: [String] = []

    public init() {}
}
