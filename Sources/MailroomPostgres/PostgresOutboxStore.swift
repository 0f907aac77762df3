import Foundation
import Logging
import Mailroom
import NIOCore
import PostgresNIO

/// The shared outbox: the tables of one schema (default `mailroom`) in a PostgreSQL database,
/// used by many `mailroom` processes on many hosts at once.
///
/// Every call is one transaction, committed with the server's `synchronous_commit` (on by
/// default: durable when the call returns). Claims lock rows with `FOR UPDATE SKIP LOCKED`, so
/// concurrent workers never wait on each other's messages and never take the same one; a lease
/// names its owner by host, pid and start time, and binds while that owner lives (checked
/// directly on its own host) or, for an owner on another host, until its expiry.
public final class PostgresOutboxStore: OutboxStore, Sendable {
    public let url: PostgresLocation
    public var location: String { url.description }
    let connections: PostgresConnections
    let clock: @Sendable () -> Date
    /// How long a lease lasts when its owner's liveness cannot be checked (another host).
    let leaseDuration: TimeInterval

    /// Connects (the first connection proves the server and the credentials), creates the
    /// schema and applies the missing migrations.
    ///
    /// - Parameters:
    ///   - password: from `MAILROOM_OUTBOX_PASSWORD` or `PGPASSWORD`; never part of a message.
    ///   - connections: how many connections this process may open at once.
    public init(url: PostgresLocation, password: String?, connections: Int = 4, leaseDuration: TimeInterval = 900,
                logger: Logger = Logger(label: "mailroom.outbox"), clock: @escaping @Sendable () -> Date = { Date() })
        throws(OutboxError)
    {
        self.url = url
        self.connections = try PostgresConnections(location: url, password: password, limit: connections, logger: logger)
        self.clock = clock
        self.leaseDuration = leaseDuration
        try PostgresSchema.migrate(self.connections)
    }

    func now() -> Date { clock() }

    func transaction<T>(_ doing: String, _ body: (PostgresSession) throws -> T) throws(OutboxError) -> T {
        try connections.transaction(doing, body)
    }

    /// Commits are durable when they return (`synchronous_commit`): nothing is left to sync.
    public func sync() throws(OutboxError) {}

    public func store(_ batch: [NewMessage], leasingTo owner: LeaseOwner?) throws(OutboxError) -> [StoreResult] {
        guard !batch.isEmpty else { return [] }
        let now = self.now()
        return try transaction("store messages in") { session in
            try Self.store(batch, leasingTo: owner, session: session, at: now, leaseDuration: leaseDuration)
        }
    }

    /// Stores a batch inside the caller's transaction (shared with the events table's drain).
    static func store(_ batch: [NewMessage], leasingTo owner: LeaseOwner?, session: PostgresSession, at now: Date,
                      leaseDuration: TimeInterval) throws -> [StoreResult] {
        let expires = owner.map { _ in now.addingTimeInterval(leaseDuration).milliseconds }
        var results: [StoreResult] = []
        results.reserveCapacity(batch.count)
        for message in batch {
            let composed = message.composed
            let origin = [message.source.map { "from \($0)" + (message.line.map { " line \($0)" } ?? "") }, message.note]
                .compactMap { $0 }.joined(separator: "; ")
            let recipients = composed.envelope.recipients.joined(separator: ", ")
            let rows = try session.query("""
                WITH inserted AS (
                    INSERT INTO messages (event_id, event_type, template, locale, sender, recipients, message_id, size,
                                          source, line, state, created_at, lease_owner, lease_expires_at)
                    VALUES (\(message.eventID), \(message.eventType), \(message.template), \(message.locale),
                            \(composed.envelope.sender), \(recipients), \(composed.messageID), \(composed.bytes.count),
                            \(message.source), \(message.line), \(message.initialState.rawValue), \(now.milliseconds),
                            \(owner?.id), \(expires))
                    ON CONFLICT (event_id) DO NOTHING RETURNING id
                ), content AS (
                    INSERT INTO message_content (message, bytes, event)
                    SELECT id, \(ByteBuffer(bytes: composed.bytes)), \(ByteBuffer(bytes: message.sourceEvent)) FROM inserted
                ), journaled AS (
                    INSERT INTO journal (message, time, kind, state, detail)
                    SELECT id, \(now.milliseconds), 'stored', \(message.initialState.rawValue), \(origin) FROM inserted
                )
                SELECT id FROM inserted
                """)
            guard let row = rows.first else {
                try session.execute("""
                    INSERT INTO duplicates AS d (event_id, first_seen, last_seen, count, last_source, last_line)
                    VALUES (\(message.eventID), \(now.milliseconds), \(now.milliseconds), 1,
                            \(OutboxText.bounded(message.source ?? "-", limit: 256)), \(message.line ?? 0))
                    ON CONFLICT (event_id) DO UPDATE SET count = d.count + 1, last_seen = excluded.last_seen,
                        last_source = excluded.last_source, last_line = excluded.last_line
                    """)
                results.append(.duplicate(eventID: message.eventID))
                continue
            }
            let id = try row.value("id", as: Int64.self)
            let lease = owner.map {
                Lease(eventID: message.eventID, owner: $0, state: message.initialState, previousAttempts: 0, token: id)
            }
            results.append(.stored(eventID: message.eventID, lease: lease))
        }
        return results
    }

    static let leaseColumns = "id, event_id, state, attempts, open_attempt, last_attempt_at, lease_owner, lease_expires_at"

    public func claim(_ eventIDs: [String], allowing: Set<MessageState>, owner: LeaseOwner) throws(OutboxError)
        -> [ClaimedMessage]
    {
        guard !eventIDs.isEmpty else { return [] }
        let now = self.now()
        return try transaction("claim messages in") { session in
            // SKIP LOCKED: a row another transaction holds is being claimed or written under its
            // lease right now; waiting for it could only deadlock two claimers of the same list.
            let rows = try session.query("""
                SELECT \(unescaped: Self.leaseColumns) FROM messages WHERE event_id = ANY(\(eventIDs))
                FOR UPDATE SKIP LOCKED
                """)
            let byID = Dictionary(try rows.map { (try $0.value("event_id", as: String.self), $0) }, uniquingKeysWith: { a, _ in a })
            var taken: [(eventID: String, id: Int64, state: MessageState, attempts: Int)] = []
            for eventID in eventIDs {
                guard let row = byID[eventID] else { continue }
                guard let state = try self.takeable(row, owner: owner, session: session, at: now),
                      allowing.contains(state) else { continue }
                taken.append((eventID, try row.value("id"), state, try row.value("attempts")))
            }
            return try self.lease(taken, to: owner, session: session, at: now)
        }
    }

    public func claimDue(_ states: Set<MessageState>, limit: Int, owner: LeaseOwner) throws(OutboxError)
        -> [ClaimedMessage]
    {
        guard limit > 0, !states.isEmpty else { return [] }
        let now = self.now()
        return try transaction("claim due messages in") { session in
            // Each state's candidates from its own index, in due order, each stopping at the
            // limit: deferred ones by next attempt (messages_deferred), the others by creation
            // (messages_by_state). SKIP LOCKED passes over rows another worker is claiming or
            // writing, so concurrent callers neither wait for each other nor share a row; an
            // unexpired lease is skipped in SQL, so the cost follows what is in flight.
            var candidates: [(due: Int64, eventID: String, row: PostgresRandomAccessRow)] = []
            for state in states.sorted(by: { $0.rawValue < $1.rawValue }) {
                let rows: [PostgresRandomAccessRow]
                if state == .deferred {
                    rows = try session.query("""
                        SELECT \(unescaped: Self.leaseColumns), next_attempt_at AS due FROM messages
                        WHERE state = 'deferred' AND next_attempt_at <= \(now.milliseconds)
                          AND (lease_owner IS NULL OR lease_expires_at <= \(now.milliseconds))
                        ORDER BY next_attempt_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                        """)
                } else {
                    rows = try session.query("""
                        SELECT \(unescaped: Self.leaseColumns), created_at AS due FROM messages
                        WHERE state = \(state.rawValue) AND (lease_owner IS NULL OR lease_expires_at <= \(now.milliseconds))
                        ORDER BY created_at, event_id LIMIT \(limit) FOR UPDATE SKIP LOCKED
                        """)
                }
                let found = try rows.map { (due: try $0.value("due", as: Int64.self), eventID: try $0.value("event_id", as: String.self), row: $0) }
                candidates.append(contentsOf: found)
            }
            candidates.sort { ($0.due, $0.eventID) < ($1.due, $1.eventID) }
            var taken: [(eventID: String, id: Int64, state: MessageState, attempts: Int)] = []
            for candidate in candidates where taken.count < limit {
                guard let state = try self.takeable(candidate.row, owner: owner, session: session, at: now),
                      states.contains(state) else { continue }
                taken.append((candidate.eventID, try candidate.row.value("id"), state, try candidate.row.value("attempts")))
            }
            return try self.lease(taken, to: owner, session: session, at: now)
        }
    }

    /// The state a locked row can be leased in, settling a dead owner's lease first; nil when a
    /// live owner (or `owner` itself) holds it.
    func takeable(_ row: PostgresRandomAccessRow, owner: LeaseOwner, session: PostgresSession, at now: Date) throws
        -> MessageState?
    {
        var state = MessageState(rawValue: try row.value("state", as: String.self)) ?? .queued
        if let holder = try row.value("lease_owner", as: String?.self) {
            let expires = try row.value("lease_expires_at", as: Int64?.self)
            if holder == owner.id || Self.isLive(holder, expiresAt: expires, now: now) {
                return nil
            }
            if try settle(row, session: session, at: now) { state = .uncertain }
        }
        return state
    }

    /// Leases the locked rows to `owner` and reads what delivering them needs.
    func lease(_ taken: [(eventID: String, id: Int64, state: MessageState, attempts: Int)], to owner: LeaseOwner,
               session: PostgresSession, at now: Date) throws -> [ClaimedMessage] {
        guard !taken.isEmpty else { return [] }
        let ids = taken.map(\.id)
        let expires = now.addingTimeInterval(leaseDuration).milliseconds
        try session.execute("""
            UPDATE messages SET lease_owner = \(owner.id), lease_expires_at = \(expires) WHERE id = ANY(\(ids))
            """)
        let contents = try Self.contents(session, ids: ids)
        return taken.compactMap { item in
            guard let content = contents[item.id] else { return nil }
            let lease = Lease(eventID: item.eventID, owner: owner, state: item.state, previousAttempts: item.attempts,
                              token: item.id)
            return ClaimedMessage(lease: lease, message: content.message, storedAt: content.storedAt)
        }
    }

    /// Whether a lease still binds: a process on this host while it lives, any other until expiry.
    static func isLive(_ holder: String, expiresAt: Int64?, now: Date) -> Bool {
        if let alive = LeaseOwner(id: holder).isAliveOnThisHost { return alive }
        return (expiresAt ?? 0) > now.milliseconds
    }

    /// Ends a dead owner's lease on a locked row: `uncertain` when an attempt was started and has
    /// no result, the state it had otherwise. True when it became `uncertain`.
    func settle(_ row: PostgresRandomAccessRow, session: PostgresSession, at now: Date) throws -> Bool {
        let id = try row.value("id", as: Int64.self)
        let holder = try row.value("lease_owner", as: String?.self) ?? "?"
        guard let attempt = try row.value("open_attempt", as: Int?.self) else {
            try session.execute("UPDATE messages SET lease_owner = NULL, lease_expires_at = NULL WHERE id = \(id)")
            return false
        }
        let started = try row.value("last_attempt_at", as: Int64?.self).map { Date(milliseconds: $0).formatted(.iso8601) } ?? "?"
        try session.execute("""
            UPDATE messages SET state = 'uncertain', open_attempt = NULL, next_attempt_at = NULL,
                lease_owner = NULL, lease_expires_at = NULL WHERE id = \(id)
            """)
        try Self.journal(session, message: id, at: now, kind: .state, state: .uncertain, attempt: attempt,
                         detail: "attempt \(attempt) started at \(started) by \(holder) has no result and its owner "
                             + "is gone; the message may have been sent")
        return true
    }

    public func recoverAbandonedLeases() throws(OutboxError) -> RecoveryReport {
        let now = self.now()
        return try transaction("recover leases in") { session in
            var report = RecoveryReport()
            // Live owners' rows are not locked (their writes go on); the others are locked, but
            // only those no transaction holds right now, and judged again once locked.
            let leased = try session.query("""
                SELECT id, lease_owner, lease_expires_at FROM messages WHERE lease_owner IS NOT NULL
                """)
            let gone = try leased.filter { row in
                !Self.isLive(try row.value("lease_owner", as: String.self), expiresAt: try row.value("lease_expires_at"), now: now)
            }.map { try $0.value("id", as: Int64.self) }
            guard !gone.isEmpty else { return report }
            let rows = try session.query("""
                SELECT \(unescaped: Self.leaseColumns) FROM messages WHERE id = ANY(\(gone)) AND lease_owner IS NOT NULL
                ORDER BY id FOR UPDATE SKIP LOCKED
                """)
            for row in rows {
                guard let holder = try row.value("lease_owner", as: String?.self),
                      !Self.isLive(holder, expiresAt: try row.value("lease_expires_at"), now: now) else { continue }
                let eventID = try row.value("event_id", as: String.self)
                if try settle(row, session: session, at: now) {
                    report.markedUncertain.append(eventID)
                } else {
                    report.released.append(eventID)
                }
            }
            return report
        }
    }

    public func recordRejected(_ event: RejectedEvent) throws(OutboxError) {
        try transaction("record a rejected event in") { session in
            try Self.recordRejected(event, session: session)
        }
    }

    static func recordRejected(_ event: RejectedEvent, session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO rejected (time, source, line, event_id, problems, excerpt, bytes)
            VALUES (\(event.time.milliseconds), \(event.source), \(event.line), \(event.eventID),
                    \(OutboxText.jsonArray(event.problems))::jsonb, \(event.excerpt), \(event.bytes))
            """)
    }

    static func journal(_ session: PostgresSession, message: Int64, at time: Date, kind: JournalEntry.Kind,
                        state: MessageState, attempt: Int? = nil, durationMs: Int? = nil, reply: JournalEntry.Reply? = nil,
                        classification: String? = nil, nextAttemptAt: Int64? = nil, detail: String? = nil,
                        owner: String? = nil) throws {
        try session.execute("""
            INSERT INTO journal (message, time, kind, state, attempt, duration_ms, reply_code, reply_enhanced,
                                 reply_text, classification, next_attempt_at, detail, owner)
            VALUES (\(message), \(time.milliseconds), \(kind.rawValue), \(state.rawValue), \(attempt), \(durationMs),
                    \(reply?.code), \(reply?.enhanced), \(reply?.text), \(classification), \(nextAttemptAt), \(detail),
                    \(owner))
            """)
    }
}
