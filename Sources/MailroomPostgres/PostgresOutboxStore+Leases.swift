import Foundation
import Mailroom
import PostgresNIO

/// Attempts, results and state changes under a lease: each statement that changes a row checks,
/// in its `WHERE`, that the lease is still the writer's.
extension PostgresOutboxStore {
    /// Also renews the lease: another host takes an owner for dead only `leaseDuration` after
    /// its last attempt started, longer than one attempt may last (the SMTP transaction timeout),
    /// so a run that retries a message for longer than a lease keeps it.
    public func beginAttempt(_ lease: Lease) throws(OutboxError) -> Int {
        let now = self.now()
        let expires = now.addingTimeInterval(leaseDuration).milliseconds
        return try transaction("record the start of an attempt in") { session in
            let rows = try session.query("""
                UPDATE messages SET attempts = attempts + 1, open_attempt = attempts + 1, last_attempt_at = \(now.milliseconds),
                    lease_expires_at = \(expires)
                WHERE id = \(lease.token) AND lease_owner = \(lease.owner.id) RETURNING attempts, state
                """)
            guard let row = rows.first else { throw OutboxError.leaseLost(lease) }
            let number = try row.value("attempts", as: Int.self)
            let state = MessageState(rawValue: try row.value("state", as: String.self)) ?? lease.state
            try Self.journal(session, message: lease.token, at: now, kind: .attemptStarted, state: state, attempt: number,
                             owner: lease.owner.id)
            return number
        }
    }

    public func recordAttempt(_ lease: Lease, result: AttemptRecord, newState: MessageState, nextAttemptAt: Date?,
                              release: Bool) throws(OutboxError) {
        let now = self.now()
        try transaction("record an attempt's result in") { session in
            try Self.apply(.attempt(result, newState: newState, nextAttemptAt: nextAttemptAt), to: lease, release: release,
                           session: session, at: now)
        }
    }

    public func transition(_ lease: Lease, to state: MessageState, reason: String, nextAttemptAt: Date?,
                           release: Bool) throws(OutboxError) {
        let now = self.now()
        try transaction("record a state change in") { session in
            try Self.apply(.transition(state, reason: reason, nextAttemptAt: nextAttemptAt), to: lease, release: release,
                           session: session, at: now)
        }
    }

    public func release(_ lease: Lease) throws(OutboxError) {
        let now = self.now()
        try transaction("release a lease in") { session in
            try Self.apply(.release, to: lease, release: true, session: session, at: now)
        }
    }

    public func finish(_ outcomes: [(lease: Lease, outcome: LeaseOutcome)]) throws(OutboxError) -> [OutboxError?] {
        guard !outcomes.isEmpty else { return [] }
        let now = self.now()
        return try transaction("record outcomes in") { session in
            try LeaseOutcome.applyEach(outcomes) { try Self.apply($1, to: $0, release: true, session: session, at: now) }
        }
    }

    /// One outcome's statements, inside the caller's transaction; throws `notClaimed`, having
    /// changed nothing, when the lease is no longer the writer's (the statement that changes the
    /// row checks it, and the journal entry is written only after it).
    static func apply(_ outcome: LeaseOutcome, to lease: Lease, release: Bool, session: PostgresSession, at now: Date)
        throws
    {
        switch outcome {
        case .attempt(let result, let newState, let nextAttemptAt):
            let detail = result.detail.isEmpty ? nil : OutboxText.bounded(result.detail)
            let reply = result.reply.map(JournalEntry.Reply.init)
            let next = newState == .deferred ? nextAttemptAt?.milliseconds : nil
            let rows = try session.query("""
                UPDATE messages SET state = \(newState.rawValue), next_attempt_at = \(next), open_attempt = NULL,
                    last_detail = COALESCE(\(detail), last_detail),
                    last_reply_code = CASE WHEN \(reply != nil) THEN \(reply?.code) ELSE last_reply_code END,
                    last_reply_enhanced = CASE WHEN \(reply != nil) THEN \(reply?.enhanced) ELSE last_reply_enhanced END,
                    last_reply_text = CASE WHEN \(reply != nil) THEN \(reply?.text) ELSE last_reply_text END,
                    lease_owner = CASE WHEN \(release) THEN NULL ELSE lease_owner END,
                    lease_expires_at = CASE WHEN \(release) THEN NULL ELSE lease_expires_at END
                WHERE id = \(lease.token) AND lease_owner = \(lease.owner.id) RETURNING attempts
                """)
            guard let row = rows.first else { throw OutboxError.leaseLost(lease) }
            try journal(session, message: lease.token, at: now, kind: .attempt, state: newState,
                        attempt: try row.value("attempts", as: Int.self), durationMs: result.durationMilliseconds,
                        reply: reply, classification: OutboxText.bounded(result.classification, limit: 64),
                        nextAttemptAt: next, detail: detail)
        case .transition(let state, let reason, let nextAttemptAt):
            let next = state == .deferred ? nextAttemptAt?.milliseconds : nil
            let changed = try session.execute("""
                UPDATE messages SET state = \(state.rawValue), next_attempt_at = \(next), open_attempt = NULL,
                    lease_owner = CASE WHEN \(release) THEN NULL ELSE lease_owner END,
                    lease_expires_at = CASE WHEN \(release) THEN NULL ELSE lease_expires_at END
                WHERE id = \(lease.token) AND lease_owner = \(lease.owner.id)
                """)
            guard changed == 1 else { throw OutboxError.leaseLost(lease) }
            try journal(session, message: lease.token, at: now, kind: .state, state: state, nextAttemptAt: next,
                        detail: OutboxText.bounded(reason))
        case .release:
            try session.execute("""
                UPDATE messages SET lease_owner = NULL, lease_expires_at = NULL, open_attempt = NULL
                WHERE id = \(lease.token) AND lease_owner = \(lease.owner.id)
                """)
        }
    }
}
