import Foundation
import GRDB
import Mailroom

/// Reading the outbox: every query answered from an index or the counters.
extension SQLiteOutboxStore {
    static let waitingStates: [MessageState] = [.queued, .held, .deferred]

    public func status() throws(OutboxError) -> OutboxStatus {
        let takenAt = now()
        return try read("read the status of") { db in
            var counts = Dictionary(uniqueKeysWithValues: MessageState.allCases.map { ($0, 0) })
            var rejected = 0
            var duplicates = 0
            for row in try Row.fetchAll(db, sql: "SELECT name, n FROM counters") {
                let name: String = row["name"]
                let n: Int = row["n"]
                if name == "rejected" {
                    rejected = n
                } else if name == "duplicates" {
                    duplicates = n
                } else if name.hasPrefix("state:"), let state = MessageState(rawValue: String(name.dropFirst(6))) {
                    counts[state] = n
                }
            }
            var oldest: Int64?
            for state in Self.waitingStates {
                if let first = try Int64.fetchOne(
                    db, sql: "SELECT min(created_at) FROM messages WHERE state = ?", arguments: [state.rawValue]) {
                    oldest = min(oldest ?? first, first)
                }
            }
            let next = try Int64.fetchOne(
                db, sql: "SELECT min(next_attempt_at) FROM messages INDEXED BY messages_deferred WHERE state = 'deferred'")
            let leased = try Int.fetchOne(
                db, sql: "SELECT count(*) FROM messages WHERE lease_owner IS NOT NULL") ?? 0
            return OutboxStatus(
                counts: counts, rejected: rejected, duplicates: duplicates, leased: leased,
                oldestUnsentAt: oldest.map(Date.init(milliseconds:)), nextRetryAt: next.map(Date.init(milliseconds:)),
                takenAt: takenAt)
        }
    }

    static let recordColumns = """
        event_id, event_type, template, locale, recipients, message_id, state, created_at, attempts,
        last_attempt_at, next_attempt_at, last_reply_code, last_reply_enhanced, last_reply_text, last_detail, size,
        lease_owner, redacted_at, recipient_hash, content_sha256
        """

    /// A query per state when states are given, each walking `messages_by_state` in order
    /// (``RecordFilter/selectByState(_:)``).
    public func records(_ filter: RecordFilter) throws(OutboxError) -> [MessageRecord] {
        try read("list the messages of") { db in
            try filter.selectByState { try Self.records(db, filter, state: $0) }
        }
    }

    private static func records(_ db: Database, _ filter: RecordFilter, state: MessageState?) throws -> [MessageRecord] {
        var conditions: [String] = []
        var arguments = StatementArguments()
        // The narrowest index the filter allows: a recipient's messages are few whatever the
        // state (which is the whole history for `sent`); due deferred messages are found by
        // their next attempt time.
        if let state {
            // A literal, not a parameter: SQLite uses the partial index on deferred messages only
            // when the query itself says `state = 'deferred'` (the raw values are plain words).
            conditions.append("state = '\(state.rawValue)'")
        }
        let index: String
        if filter.recipientHash != nil {
            index = "messages_by_recipient_hash"
        } else if filter.recipient != nil {
            index = "messages_by_recipient"
        } else if filter.eventType != nil && state == nil {
            index = "messages_by_type"
        } else if state == .deferred && filter.dueAt != nil {
            index = "messages_deferred"
        } else if state != nil {
            index = "messages_by_state"
        } else {
            index = "messages_by_created"
        }
        if !filter.eventIDs.isEmpty {
            conditions.append("event_id IN (\(Array(repeating: "?", count: filter.eventIDs.count).joined(separator: ", ")))")
            arguments += StatementArguments(filter.eventIDs)
        }
        if let since = filter.since {
            conditions.append("created_at >= ?")
            arguments += [since.milliseconds]
        }
        if let until = filter.until {
            conditions.append("created_at < ?")
            arguments += [until.milliseconds]
        }
        if let recipient = filter.recipient {
            conditions.append("recipients = ? COLLATE NOCASE")
            arguments += [recipient]
        }
        if let hash = filter.recipientHash {
            conditions.append("recipient_hash IS NOT NULL AND recipient_hash = ?")
            arguments += [hash]
        }
        if let type = filter.eventType {
            conditions.append("event_type = ?")
            arguments += [type]
        }
        if let due = filter.dueAt {
            conditions.append(state == .deferred ? "(next_attempt_at IS NULL OR next_attempt_at <= ?)"
                              : "(state <> 'deferred' OR next_attempt_at IS NULL OR next_attempt_at <= ?)")
            arguments += [due.milliseconds]
        }
        if let after = filter.after {
            conditions.append("(created_at, event_id) > (?, ?)")
            arguments += [after.createdAt.milliseconds, after.eventID]
        }
        arguments += [filter.limit]
        let indexed = filter.eventIDs.isEmpty && !index.isEmpty ? " INDEXED BY \(index)" : ""
        let condition = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try Row.fetchAll(db, sql: """
            SELECT \(recordColumns) FROM messages\(indexed)\(condition) ORDER BY created_at, event_id LIMIT ?
            """, arguments: arguments)
        return rows.map(record)
    }

    public func record(eventID: String) throws(OutboxError) -> MessageRecord? {
        try read("read a message of") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.recordColumns) FROM messages WHERE event_id = ?",
                             arguments: [eventID]).map(Self.record)
        }
    }

    static func record(_ row: Row) -> MessageRecord {
        let state = MessageState(rawValue: row["state"]) ?? .queued
        let recipients: String = row["recipients"]
        let reply: SMTPReply? = (row["last_reply_code"] as Int?).map {
            SMTPReply(code: $0, enhancedCode: row["last_reply_enhanced"], text: row["last_reply_text"] ?? "")
        }
        return MessageRecord(
            eventID: row["event_id"], eventType: row["event_type"], template: row["template"], locale: row["locale"],
            recipients: recipients.isEmpty ? [] : recipients.components(separatedBy: ", "),
            messageID: row["message_id"], state: state, createdAt: Date(milliseconds: row["created_at"]),
            attempts: row["attempts"], lastAttemptAt: (row["last_attempt_at"] as Int64?).map(Date.init(milliseconds:)),
            nextAttemptAt: state == .deferred ? (row["next_attempt_at"] as Int64?).map(Date.init(milliseconds:)) : nil,
            lastReply: reply, lastDetail: row["last_detail"], size: row["size"], leasedBy: row["lease_owner"],
            redaction: (row["redacted_at"] as Int64?).map {
                Redaction(redactedAt: Date(milliseconds: $0),
                          recipientHashes: (row["recipient_hash"] as String? ?? "").components(separatedBy: ", "),
                          contentSHA256: row["content_sha256"] ?? "")
            })
    }

    public func journal(eventID: String) throws(OutboxError) -> [JournalEntry] {
        try read("read a journal of") { db in
            try Row.fetchAll(db, sql: """
                SELECT j.* FROM journal j JOIN messages m ON m.id = j.message WHERE m.event_id = ? ORDER BY j.id
                """, arguments: [eventID]).map { row in
                let reply = (row["reply_code"] as Int?).map {
                    JournalEntry.Reply(code: $0, enhanced: row["reply_enhanced"], text: row["reply_text"] ?? "")
                }
                return JournalEntry(
                    time: Date(milliseconds: row["time"]),
                    kind: JournalEntry.Kind(rawValue: row["kind"]) ?? .state,
                    state: MessageState(rawValue: row["state"]) ?? .queued, attempt: row["attempt"],
                    durationMs: row["duration_ms"], reply: reply, classification: row["classification"],
                    nextAttemptAt: (row["next_attempt_at"] as Int64?).map(Date.init(milliseconds:)),
                    detail: row["detail"], owner: row["owner"])
            }
        }
    }

    public func content(eventID: String) throws(OutboxError) -> StoredContent? {
        try read("read a message of") { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM messages WHERE event_id = ?", arguments: [eventID]),
                  let found = try Self.content(db, id: id) else { return nil }
            return StoredContent(message: found.message, event: found.event)
        }
    }

    static func content(_ db: Database, id: Int64) throws -> (message: ComposedMessage, event: [UInt8], storedAt: Date)? {
        let select = try db.cachedStatement(sql: """
            SELECT m.sender, m.recipients, m.message_id, m.created_at, c.bytes, c.event
            FROM messages m JOIN message_content c ON c.message = m.id WHERE m.id = ?
            """)
        guard let row = try Row.fetchOne(select, arguments: [id]) else { return nil }
        let recipients: String = row["recipients"]
        let bytes: Data = row["bytes"]
        let event: Data = row["event"]
        let envelope = Envelope(sender: row["sender"], recipients: recipients.components(separatedBy: ", "))
        return (ComposedMessage(envelope: envelope, messageID: row["message_id"], bytes: [UInt8](bytes)), [UInt8](event),
                Date(milliseconds: row["created_at"]))
    }

    public func rejected(since: Date?, until: Date?, after: Int64?, limit: Int) throws(OutboxError) -> [RejectedEvent] {
        try read("read the rejected events of") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM rejected WHERE time >= ? AND time < ? AND id > ? ORDER BY id LIMIT ?
                """, arguments: [since?.milliseconds ?? Int64.min, until?.milliseconds ?? Int64.max, after ?? 0, limit]
            ).map { row in
                let problems = (try? JSONSerialization.jsonObject(with: Data((row["problems"] as String).utf8))) as? [String]
                return RejectedEvent(
                    row: row["id"], time: Date(milliseconds: row["time"]), source: row["source"], line: row["line"],
                    eventID: row["event_id"], problems: problems ?? [], excerpt: row["excerpt"], bytes: row["bytes"])
            }
        }
    }

    public func duplicates(after: Int64?, limit: Int) throws(OutboxError) -> [DuplicateEvent] {
        try read("read the duplicates of") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM duplicates WHERE id > ? ORDER BY id LIMIT ?",
                             arguments: [after ?? 0, limit]).map { row in
                DuplicateEvent(
                    row: row["id"], eventID: row["event_id"], firstSeen: Date(milliseconds: row["first_seen"]),
                    lastSeen: Date(milliseconds: row["last_seen"]), count: row["count"], lastSource: row["last_source"],
                    lastLine: row["last_line"])
            }
        }
    }
}
