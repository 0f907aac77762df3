import Foundation
import GRDB
import Mailroom

/// Storing, leasing and journaling: each call one transaction, shared with concurrent calls by
/// ``GroupCommit``.
extension SQLiteOutboxStore {
    public func store(_ batch: [NewMessage], leasingTo owner: LeaseOwner?) throws(OutboxError) -> [StoreResult] {
        guard !batch.isEmpty else { return [] }
        let now = self.now()
        let expires = owner.map { _ in now.addingTimeInterval(leaseDuration).milliseconds }
        return try write("store messages in", durable: true) { db in
            let insert = try db.cachedStatement(sql: """
                INSERT INTO messages (event_id, event_type, template, locale, sender, recipients, message_id, size,
                                      source, line, state, created_at, lease_owner, lease_expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(event_id) DO NOTHING RETURNING id
                """)
            let content = try db.cachedStatement(sql: "INSERT INTO message_content (message, bytes, event) VALUES (?, ?, ?)")
            let journal = try db.cachedStatement(sql: """
                INSERT INTO journal (message, time, kind, state, detail) VALUES (?, ?, 'stored', ?, ?)
                """)
            var results: [StoreResult] = []
            results.reserveCapacity(batch.count)
            for message in batch {
                let composed = message.composed
                let inserted = try Int64.fetchOne(insert, arguments: [
                    message.eventID, message.eventType, message.template, message.locale, composed.envelope.sender,
                    composed.envelope.recipients.joined(separator: ", "), composed.messageID, composed.bytes.count,
                    message.source, message.line, message.initialState.rawValue, now.milliseconds, owner?.id, expires,
                ])
                guard let id = inserted else {
                    try Self.countDuplicate(db, message, at: now)
                    results.append(.duplicate(eventID: message.eventID))
                    continue
                }
                try content.execute(arguments: [id, Data(composed.bytes), Data(message.sourceEvent)])
                let origin = [message.source.map { "from \($0)" + (message.line.map { " line \($0)" } ?? "") }, message.note]
                    .compactMap { $0 }.joined(separator: "; ")
                try journal.execute(arguments: [id, now.milliseconds, message.initialState.rawValue, origin])
                let lease = owner.map {
                    Lease(eventID: message.eventID, owner: $0, state: message.initialState, previousAttempts: 0, token: id)
                }
                results.append(.stored(eventID: message.eventID, lease: lease))
            }
            return results
        }
    }

    private static func countDuplicate(_ db: Database, _ message: NewMessage, at now: Date) throws {
        try db.execute(sql: """
            INSERT INTO duplicates (event_id, first_seen, last_seen, count, last_source, last_line)
            VALUES (?, ?, ?, 1, ?, ?)
            ON CONFLICT(event_id) DO UPDATE SET count = count + 1, last_seen = excluded.last_seen,
                last_source = excluded.last_source, last_line = excluded.last_line
            """, arguments: [message.eventID, now.milliseconds, now.milliseconds,
                             OutboxText.bounded(message.source ?? "-", limit: 256), message.line ?? 0])
    }

    public func claim(_ eventIDs: [String], allowing: Set<MessageState>, owner: LeaseOwner) throws(OutboxError)
        -> [ClaimedMessage]
    {
        guard !eventIDs.isEmpty else { return [] }
        let now = self.now()
        let expires = now.addingTimeInterval(leaseDuration).milliseconds
        return try write("claim messages in") { db in
            var claimed: [ClaimedMessage] = []
            for eventID in eventIDs {
                let select = try db.cachedStatement(sql: """
                    SELECT id, state, attempts, open_attempt, last_attempt_at, lease_owner, lease_expires_at
                    FROM messages WHERE event_id = ?
                    """)
                guard let row = try Row.fetchOne(select, arguments: [eventID]) else { continue }
                if let item = try self.lease(db, row: row, eventID: eventID, allowing: allowing, owner: owner,
                                        expires: expires, at: now) {
                    claimed.append(item)
                }
            }
            return claimed
        }
    }

    public func claimDue(_ states: Set<MessageState>, limit: Int, owner: LeaseOwner) throws(OutboxError)
        -> [ClaimedMessage]
    {
        guard limit > 0, !states.isEmpty else { return [] }
        let now = self.now()
        let expires = now.addingTimeInterval(leaseDuration).milliseconds
        return try write("claim due messages in") { db in
            // Each state's candidates come from its own index (messages_deferred by due time,
            // messages_by_state by creation); a row held under a lease that has not expired is
            // skipped in SQL, so a busy outbox costs what is in flight, not what it has kept.
            var candidates: [(due: Int64, row: Row)] = []
            for state in states.sorted(by: { $0.rawValue < $1.rawValue }) {
                let rows: [Row]
                if state == .deferred {
                    rows = try Row.fetchAll(db.cachedStatement(sql: """
                        SELECT id, event_id, state, attempts, open_attempt, last_attempt_at, lease_owner,
                               lease_expires_at, next_attempt_at AS due
                        FROM messages INDEXED BY messages_deferred
                        WHERE state = 'deferred' AND next_attempt_at <= ?
                          AND (lease_owner IS NULL OR lease_expires_at <= ?)
                        ORDER BY next_attempt_at LIMIT ?
                        """), arguments: [now.milliseconds, now.milliseconds, limit])
                } else {
                    rows = try Row.fetchAll(db.cachedStatement(sql: """
                        SELECT id, event_id, state, attempts, open_attempt, last_attempt_at, lease_owner,
                               lease_expires_at, created_at AS due
                        FROM messages INDEXED BY messages_by_state
                        WHERE state = ? AND (lease_owner IS NULL OR lease_expires_at <= ?)
                        ORDER BY created_at, event_id LIMIT ?
                        """), arguments: [state.rawValue, now.milliseconds, limit])
                }
                candidates += rows.map { (due: $0["due"], row: $0) }
            }
            candidates.sort { $0.due < $1.due }
            var claimed: [ClaimedMessage] = []
            for (_, row) in candidates where claimed.count < limit {
                // An expired lease that a live process on this host still holds (a slow attempt) is skipped.
                if let item = try self.lease(db, row: row, eventID: row["event_id"], allowing: states, owner: owner,
                                        expires: expires, at: now) {
                    claimed.append(item)
                }
            }
            return claimed
        }
    }

    /// Leases the message of `row` (its id, state, attempts, open attempt and lease) to `owner`
    /// unless another live owner holds it or its state, once a dead owner's lease is settled, is
    /// not one of `allowing`.
    private func lease(_ db: Database, row: Row, eventID: String, allowing: Set<MessageState>, owner: LeaseOwner,
                       expires: Int64, at now: Date) throws -> ClaimedMessage? {
        let id: Int64 = row["id"]
        var state = MessageState(rawValue: row["state"]) ?? .queued
        if let holder: String = row["lease_owner"] {
            if holder == owner.id || Self.isLive(holder, expiresAt: row["lease_expires_at"], now: now) { return nil }
            if let settled = try settle(db, row: row, eventID: eventID, at: now) { state = settled }
        }
        guard allowing.contains(state) else { return nil }
        try db.cachedStatement(sql: "UPDATE messages SET lease_owner = ?, lease_expires_at = ? WHERE id = ?")
            .execute(arguments: [owner.id, expires, id])
        guard let content = try Self.content(db, id: id) else { return nil }
        let lease = Lease(eventID: eventID, owner: owner, state: state, previousAttempts: row["attempts"], token: id)
        return ClaimedMessage(lease: lease, message: content.message, storedAt: content.storedAt)
    }

    /// Whether a lease still binds: a process on this host while it lives, any other until expiry.
    static func isLive(_ holder: String, expiresAt: Int64?, now: Date) -> Bool {
        if let alive = LeaseOwner(id: holder).isAliveOnThisHost { return alive }
        return (expiresAt ?? 0) > now.milliseconds
    }

    /// Ends a dead owner's lease: `uncertain` when an attempt was started and has no result, the
    /// state it had otherwise. Returns the state the message is left in when it changed.
    private func settle(_ db: Database, row: Row, eventID: String, at now: Date) throws -> MessageState? {
        let id: Int64 = row["id"]
        let holder: String = row["lease_owner"] ?? "?"
        guard let attempt: Int = row["open_attempt"] else {
            try db.execute(sql: "UPDATE messages SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ?",
                           arguments: [id])
            return nil
        }
        let started = (row["last_attempt_at"] as Int64?).map { Date(milliseconds: $0).formatted(.iso8601) } ?? "?"
        try Self.journalOpenAttempt(db, message: id, owner: holder)
        try db.execute(sql: """
            UPDATE messages SET state = 'uncertain', open_attempt = NULL, next_attempt_at = NULL,
                lease_owner = NULL, lease_expires_at = NULL WHERE id = ?
            """, arguments: [id])
        try Self.journal(db, message: id, at: now, kind: .state, state: .uncertain, attempt: attempt,
                         detail: "attempt \(attempt) started at \(started) by \(holder) has no result and its owner "
                             + "is gone; the message may have been sent")
        return .uncertain
    }

    public func beginAttempt(_ lease: Lease) throws(OutboxError) -> Int {
        let now = self.now()
        return try write("record the start of an attempt in") { db in
            // One row, no journal entry: the start is journaled, from `last_attempt_at`, by
            // whatever ends the attempt (its result, or recovery), so the write that every
            // message waits for before its data goes out touches one page.
            let update = try db.cachedStatement(sql: """
                UPDATE messages SET attempts = attempts + 1, open_attempt = attempts + 1, last_attempt_at = ?
                WHERE id = ? AND lease_owner = ? RETURNING attempts
                """)
            guard let number = try Int.fetchOne(update, arguments: [now.milliseconds, lease.token, lease.owner.id]) else {
                throw OutboxError.leaseLost(lease)
            }
            return number
        }
    }

    /// Journals the start of the message's open attempt, if it has one and `owner` holds it, as
    /// `attempt-started` at the time the attempt began; call it in the transaction that ends the
    /// attempt, before the statement that clears `open_attempt`.
    static func journalOpenAttempt(_ db: Database, message: Int64, owner: String) throws {
        try db.cachedStatement(sql: """
            INSERT INTO journal (message, time, kind, state, attempt, owner)
            SELECT id, last_attempt_at, 'attempt-started', state, open_attempt, lease_owner FROM messages
            WHERE id = ? AND lease_owner = ? AND open_attempt IS NOT NULL
            """).execute(arguments: [message, owner])
    }

    public func recordAttempt(_ lease: Lease, result: AttemptRecord, newState: MessageState, nextAttemptAt: Date?,
                              release: Bool) throws(OutboxError) {
        let now = self.now()
        try write("record an attempt's result in") { db in
            try Self.apply(.attempt(result, newState: newState, nextAttemptAt: nextAttemptAt), to: lease,
                           release: release, db: db, at: now)
        }
    }

    public func transition(_ lease: Lease, to state: MessageState, reason: String, nextAttemptAt: Date?,
                           release: Bool) throws(OutboxError) {
        let now = self.now()
        try write("record a state change in") { db in
            try Self.apply(.transition(state, reason: reason, nextAttemptAt: nextAttemptAt), to: lease,
                           release: release, db: db, at: now)
        }
    }

    public func release(_ lease: Lease) throws(OutboxError) {
        let now = self.now()
        try write("release a lease in") { db in
            try Self.apply(.release, to: lease, release: true, db: db, at: now)
        }
    }

    public func finish(_ outcomes: [(lease: Lease, outcome: LeaseOutcome)]) throws(OutboxError) -> [OutboxError?] {
        guard !outcomes.isEmpty else { return [] }
        let now = self.now()
        return try write("record outcomes in") { db in
            try LeaseOutcome.applyEach(outcomes) { try Self.apply($1, to: $0, release: true, db: db, at: now) }
        }
    }

    /// One outcome's statements, inside the caller's transaction; throws `notClaimed`, having
    /// changed nothing, when the lease is no longer the writer's (the lease is checked by the
    /// statement that changes the row, and the journal entry is written only after it).
    private static func apply(_ outcome: LeaseOutcome, to lease: Lease, release: Bool, db: Database, at now: Date)
        throws
    {
        switch outcome {
        case .attempt(let result, let newState, let nextAttemptAt):
            let detail = result.detail.isEmpty ? nil : OutboxText.bounded(result.detail)
            let reply = result.reply.map(JournalEntry.Reply.init)
            let next = newState == .deferred ? nextAttemptAt?.milliseconds : nil
            let replySQL = reply == nil ? "" : ", last_reply_code = ?, last_reply_enhanced = ?, last_reply_text = ?"
            var arguments: StatementArguments = [newState.rawValue, next, detail]
            if let reply { arguments += [reply.code, reply.enhanced, reply.text] }
            arguments += [release, release, lease.token, lease.owner.id]
            // Changes nothing when the lease is lost: the update below then throws.
            try journalOpenAttempt(db, message: lease.token, owner: lease.owner.id)
            let update = try db.cachedStatement(sql: """
                UPDATE messages SET state = ?, next_attempt_at = ?, open_attempt = NULL,
                    last_detail = COALESCE(?, last_detail)\(replySQL),
                    lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,
                    lease_expires_at = CASE WHEN ? THEN NULL ELSE lease_expires_at END
                WHERE id = ? AND lease_owner = ? RETURNING attempts
                """)
            guard let number = try Int.fetchOne(update, arguments: arguments) else { throw OutboxError.leaseLost(lease) }
            try journal(db, message: lease.token, at: now, kind: .attempt, state: newState, attempt: number,
                        durationMs: result.durationMilliseconds, reply: reply,
                        classification: OutboxText.bounded(result.classification, limit: 64),
                        nextAttemptAt: next, detail: detail)
        case .transition(let state, let reason, let nextAttemptAt):
            let next = state == .deferred ? nextAttemptAt?.milliseconds : nil
            try journalOpenAttempt(db, message: lease.token, owner: lease.owner.id)
            try db.cachedStatement(sql: """
                UPDATE messages SET state = ?, next_attempt_at = ?, open_attempt = NULL,
                    lease_owner = CASE WHEN ? THEN NULL ELSE lease_owner END,
                    lease_expires_at = CASE WHEN ? THEN NULL ELSE lease_expires_at END
                WHERE id = ? AND lease_owner = ?
                """).execute(arguments: [state.rawValue, next, release, release, lease.token, lease.owner.id])
            guard db.changesCount == 1 else { throw OutboxError.leaseLost(lease) }
            try journal(db, message: lease.token, at: now, kind: .state, state: state, nextAttemptAt: next,
                        detail: OutboxText.bounded(reason))
        case .release:
            try journalOpenAttempt(db, message: lease.token, owner: lease.owner.id)
            try db.cachedStatement(sql: """
                UPDATE messages SET lease_owner = NULL, lease_expires_at = NULL, open_attempt = NULL
                WHERE id = ? AND lease_owner = ?
                """).execute(arguments: [lease.token, lease.owner.id])
        }
    }

    public func recoverAbandonedLeases() throws(OutboxError) -> RecoveryReport {
        let now = self.now()
        return try write("recover leases in") { db in
            var report = RecoveryReport()
            let rows = try Row.fetchAll(db, sql: """
                SELECT id, event_id, state, open_attempt, last_attempt_at, lease_owner, lease_expires_at
                FROM messages WHERE lease_owner IS NOT NULL
                """)
            for row in rows {
                guard let holder: String = row["lease_owner"],
                      !Self.isLive(holder, expiresAt: row["lease_expires_at"], now: now) else { continue }
                let eventID: String = row["event_id"]
                if try self.settle(db, row: row, eventID: eventID, at: now) == .uncertain {
                    report.markedUncertain.append(eventID)
                } else {
                    report.released.append(eventID)
                }
            }
            return report
        }
    }

    public func recordRejected(_ event: RejectedEvent) throws(OutboxError) {
        try write("record a rejected event in") { db in
            try db.execute(sql: """
                INSERT INTO rejected (time, source, line, event_id, problems, excerpt, bytes) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.time.milliseconds, event.source, event.line, event.eventID,
                                 OutboxText.jsonArray(event.problems), event.excerpt, event.bytes])
        }
    }

    static func journal(_ db: Database, message: Int64, at time: Date, kind: JournalEntry.Kind, state: MessageState,
                        attempt: Int? = nil, durationMs: Int? = nil, reply: JournalEntry.Reply? = nil,
                        classification: String? = nil, nextAttemptAt: Int64? = nil, detail: String? = nil,
                        owner: String? = nil) throws {
        let statement = try db.cachedStatement(sql: """
            INSERT INTO journal (message, time, kind, state, attempt, duration_ms, reply_code, reply_enhanced,
                                 reply_text, classification, next_attempt_at, detail, owner)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try statement.execute(arguments: [
            message, time.milliseconds, kind.rawValue, state.rawValue, attempt, durationMs, reply?.code,
            reply?.enhanced, reply?.text, classification, nextAttemptAt, detail, owner,
        ])
    }
}
