import Foundation

/// The outbox: where every message is stored before it is sent, and the journal of everything
/// that happened to it. The delivery queue and the audit trail in one.
///
/// This protocol is the only way the send pipeline, replay, the CLI and recovery touch stored
/// messages. Engines (SQLite in the outbox directory, PostgreSQL for many hosts) keep these
/// promises, which one conformance suite checks for each of them:
///
/// - Every call that changes something is one transaction: it happened completely or not at all,
///   and when it throws, the caller must assume it did not happen.
/// - ``store(_:leasingTo:)`` returns only once the batch is durable; a message's event id is unique,
///   so storing it again is a `duplicate`, across runs, processes and hosts alike.
/// - A message is delivered only under a ``Lease``: a claim with an owner and an expiry that no
///   other owner can take while the owner is alive and the lease not expired.
/// - ``beginAttempt(_:)`` returns only once the attempt's start is recorded; a lease whose owner
///   died with an attempt started and no result makes the message `uncertain`, never due again.
/// - Reads cost what they return, not what the outbox has kept: counts come from counters and
///   selections from indexes.
public protocol OutboxStore: Sendable {
    /// Where the store lives, for messages: a directory, or a URL without its password.
    var location: String { get }

    /// Stores a batch in one transaction, durable when this returns (group commit).
    ///
    /// A message whose event id is already stored is not written again: it is reported
    /// `duplicate` and counted in the duplicates audit (one row per event id, with a count). With
    /// `owner`, every new message comes back leased to it, so no other process can take it between
    /// the store and its delivery.
    func store(_ batch: [NewMessage], leasingTo owner: LeaseOwner?) throws(OutboxError) -> [StoreResult]

    /// Leases each message of `eventIDs` that is in one of `allowing` and not leased by a live owner;
    /// returns those it leased, with what is needed to deliver them. A lease left by a dead owner
    /// is settled first (``recoverAbandonedLeases()``'s rule).
    func claim(_ eventIDs: [String], allowing: Set<MessageState>, owner: LeaseOwner) throws(OutboxError)
        -> [ClaimedMessage]

    /// Leases up to `limit` messages that are due now, the earliest due first: in one of `states`,
    /// not leased by a live owner, and, when `deferred`, with their next attempt time come (a
    /// `queued` or `held` message is due from its creation). What a long-running deliverer calls in
    /// a loop; concurrent callers, in any process or on any host, never get the same message. An
    /// expired lease whose owner is gone is settled first (``recoverAbandonedLeases()``'s rule);
    /// a dead process's leases that have not expired yet are left to ``recoverAbandonedLeases()``,
    /// which a deliverer calls when it starts and now and then.
    func claimDue(_ states: Set<MessageState>, limit: Int, owner: LeaseOwner) throws(OutboxError) -> [ClaimedMessage]

    /// Records that an attempt starts and returns its number. Call it before the message's data
    /// goes to the server; when it throws, the attempt must not start.
    func beginAttempt(_ lease: Lease) throws(OutboxError) -> Int

    /// Records the result of the attempt begun last and the state it leads to; with `release`, the
    /// lease ends in the same transaction. `nextAttemptAt` belongs with `deferred`.
    func recordAttempt(_ lease: Lease, result: AttemptRecord, newState: MessageState, nextAttemptAt: Date?,
                       release: Bool) throws(OutboxError)

    /// Records a state change outside an attempt (an operator's forced replay, a run that stopped
    /// before trying); with `release`, the lease ends in the same transaction.
    func transition(_ lease: Lease, to state: MessageState, reason: String, nextAttemptAt: Date?,
                    release: Bool) throws(OutboxError)

    /// Ends a lease without changing the message.
    func release(_ lease: Lease) throws(OutboxError)

    /// Records several messages' final outcomes, each ending its lease, in one transaction.
    /// Returns one entry per outcome, in order: nil when it was recorded, else why not (a lease
    /// no longer held); a failure of the transaction itself throws, and then none was recorded.
    func finish(_ outcomes: [(lease: Lease, outcome: LeaseOutcome)]) throws(OutboxError) -> [OutboxError?]

    /// Settles the leases of owners that are gone (a process that died, a lease past its expiry):
    /// a message with an attempt started and no result becomes `uncertain`, the others are free
    /// again in the state they had.
    func recoverAbandonedLeases() throws(OutboxError) -> RecoveryReport

    /// Records an input line that produced no message.
    func recordRejected(_ event: RejectedEvent) throws(OutboxError)

    /// Makes everything recorded so far durable against power loss, for a run about to report.
    func sync() throws(OutboxError)

    /// Counts per state, audit counts, the oldest waiting message and the next retry time.
    func status() throws(OutboxError) -> OutboxStatus

    /// The messages `filter` selects, ordered by creation time then event id, at most
    /// `filter.limit` of them, starting after `filter.after`.
    func records(_ filter: RecordFilter) throws(OutboxError) -> [MessageRecord]

    /// One message's record, or nil when no message has that event id.
    func record(eventID: String) throws(OutboxError) -> MessageRecord?

    /// One message's journal, oldest entry first (empty when there is no such message).
    func journal(eventID: String) throws(OutboxError) -> [JournalEntry]

    /// One message's exact bytes, envelope and source event, or nil.
    func content(eventID: String) throws(OutboxError) -> StoredContent?

    /// Rejected input lines recorded in `[since, until)`, oldest first, after row `after`.
    func rejected(since: Date?, until: Date?, after: Int64?, limit: Int) throws(OutboxError) -> [RejectedEvent]

    /// Duplicate event ids, by first sighting, after row `after`.
    func duplicates(after: Int64?, limit: Int) throws(OutboxError) -> [DuplicateEvent]

    /// Applies the retention policy: a message in a terminal state (``RetentionPolicy/terminalStates``)
    /// stored before `redactBefore` loses its bytes, its source event, its recipients' addresses
    /// (kept as ``RedactionHashes/recipient``) and every copy of an address in its journal, and
    /// keeps its event id, type, template, locale, Message-ID, times, attempts, the relay's replies
    /// and ``RedactionHashes/content`` of its bytes; one stored before `deleteBefore` is deleted
    /// with its journal. A message in any other state is never touched. A rejected input line
    /// recorded before `redactBefore` loses its excerpt, and each of its problems is cut to its
    /// path (`$.account.email`: the message may quote the refused value); one recorded before
    /// `deleteBefore` is deleted.
    ///
    /// Each batch is its own transaction; the cost is that of what is redacted or deleted, not of
    /// what the outbox keeps. Nothing of the redacted data may remain readable in the store's
    /// files afterwards.
    func prune(_ request: PruneRequest) throws(OutboxError) -> PruneReport
}

/// What ends a lease: the result of the attempt begun last, a state change outside an attempt,
/// or nothing but the end of the lease.
public enum LeaseOutcome: Sendable {
    /// `nextAttemptAt` belongs with `deferred`.
    case attempt(AttemptRecord, newState: MessageState, nextAttemptAt: Date?)
    case transition(MessageState, reason: String, nextAttemptAt: Date?)
    case release
}
