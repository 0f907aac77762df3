import Foundation
import Mailroom
import NIOCore
import PostgresNIO

/// Reading the outbox: every query answered from an index or the counters.
extension PostgresOutboxStore {
    public func status() throws(OutboxError) -> OutboxStatus {
        let takenAt = now()
        return try connections.withSession("read the status of") { session in
            var counts = Dictionary(uniqueKeysWithValues: MessageState.allCases.map { ($0, 0) })
            var rejected = 0
            var duplicates = 0
            for row in try session.query("SELECT name, sum(n)::bigint AS n FROM counters GROUP BY name") {
                let name = try row.value("name", as: String.self)
                let n = try row.value("n", as: Int.self)
                if name == "rejected" {
                    rejected = n
                } else if name == "duplicates" {
                    duplicates = n
                } else if name.hasPrefix("state:"), let state = MessageState(rawValue: String(name.dropFirst(6))) {
                    counts[state] = n
                }
            }
            // One index probe per waiting state (messages_by_state), the next retry from the
            // partial index on deferred messages, the leased ones from theirs.
            let summary = try session.query("""
                SELECT (SELECT min(created_at) FROM messages WHERE state = 'queued') AS queued,
                       (SELECT min(created_at) FROM messages WHERE state = 'held') AS held,
                       (SELECT min(created_at) FROM messages WHERE state = 'deferred') AS deferred,
                       (SELECT min(next_attempt_at) FROM messages WHERE state = 'deferred') AS next,
                       (SELECT count(*) FROM messages WHERE lease_owner IS NOT NULL) AS leased
                """)
            guard let row = summary.first else { throw OutboxError(code: .io, message: "the status query returned nothing") }
            let oldest = try ["queued", "held", "deferred"].compactMap { try row.value($0, as: Int64?.self) }.min()
            return OutboxStatus(
                counts: counts, rejected: rejected, duplicates: duplicates, leased: try row.value("leased", as: Int.self),
                oldestUnsentAt: oldest.map(Date.init(milliseconds:)),
                nextRetryAt: try row.value("next", as: Int64?.self).map(Date.init(milliseconds:)), takenAt: takenAt)
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
        try connections.withSession("list the messages of") { session in
            try filter.selectByState { try Self.records(session, filter, state: $0) }
        }
    }

    private static func records(_ session: PostgresSession, _ filter: RecordFilter, state: MessageState?) throws
        -> [MessageRecord]
    {
        var conditions: [String] = []
        var binds = PostgresBindings()
        func parameter<T: PostgresDynamicTypeEncodable>(_ value: T) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let state { conditions.append("state = \(parameter(state.rawValue))") }
        if !filter.eventIDs.isEmpty { conditions.append("event_id = ANY(\(parameter(filter.eventIDs)))") }
        if let since = filter.since { conditions.append("created_at >= \(parameter(since.milliseconds))") }
        if let until = filter.until { conditions.append("created_at < \(parameter(until.milliseconds))") }
        if let hash = filter.recipientHash {
            conditions.append("recipient_hash IS NOT NULL AND recipient_hash = \(parameter(hash))")
        }
        if let recipient = filter.recipient { conditions.append("lower(recipients) = lower(\(parameter(recipient)))") }
        if let type = filter.eventType { conditions.append("event_type = \(parameter(type))") }
        if let due = filter.dueAt {
            let at = parameter(due.milliseconds)
            conditions.append(state == .deferred ? "(next_attempt_at IS NULL OR next_attempt_at <= \(at))"
                              : "(state <> 'deferred' OR next_attempt_at IS NULL OR next_attempt_at <= \(at))")
        }
        if let after = filter.after {
            conditions.append("(created_at, event_id) > (\(parameter(after.createdAt.milliseconds)), \(parameter(after.eventID)))")
        }
        let limit = parameter(filter.limit)
        let condition = conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ")
        let rows = try session.query(PostgresQuery(unsafeSQL: """
            SELECT \(recordColumns) FROM messages\(condition) ORDER BY created_at, event_id LIMIT \(limit)
            """, binds: binds))
        return try rows.map(record)
    }

    public func record(eventID: String) throws(OutboxError) -> MessageRecord? {
        try connections.withSession("read a message of") { session in
            try session.query("SELECT \(unescaped: Self.recordColumns) FROM messages WHERE event_id = \(eventID)")
                .first.map(Self.record)
        }
    }

    static func record(_ row: PostgresRandomAccessRow) throws -> MessageRecord {
        let state = MessageState(rawValue: try row.value("state", as: String.self)) ?? .queued
        let recipients = try row.value("recipients", as: String.self)
        let reply: SMTPReply? = try row.value("last_reply_code", as: Int?.self).map {
            SMTPReply(code: $0, enhancedCode: try row.value("last_reply_enhanced"), text: try row.value("last_reply_text", as: String?.self) ?? "")
        }
        return MessageRecord(
            eventID: try row.value("event_id"), eventType: try row.value("event_type"), template: try row.value("template"),
            locale: try row.value("locale"), recipients: recipients.isEmpty ? [] : recipients.components(separatedBy: ", "),
            messageID: try row.value("message_id"), state: state,
            createdAt: Date(milliseconds: try row.value("created_at")), attempts: try row.value("attempts"),
            lastAttemptAt: try row.value("last_attempt_at", as: Int64?.self).map(Date.init(milliseconds:)),
            nextAttemptAt: state == .deferred ? try row.value("next_attempt_at", as: Int64?.self).map(Date.init(milliseconds:)) : nil,
            lastReply: reply, lastDetail: try row.value("last_detail"), size: try row.value("size"),
            leasedBy: try row.value("lease_owner"),
            redaction: try row.value("redacted_at", as: Int64?.self).map {
                Redaction(redactedAt: Date(milliseconds: $0),
                          recipientHashes: (try row.value("recipient_hash", as: String?.self) ?? "").components(separatedBy: ", "),
                          contentSHA256: try row.value("content_sha256", as: String?.self) ?? "")
            })
    }

    public func journal(eventID: String) throws(OutboxError) -> [JournalEntry] {
        try connections.withSession("read a journal of") { session in
            try session.query("""
                SELECT j.* FROM journal j JOIN messages m ON m.id = j.message WHERE m.event_id = \(eventID) ORDER BY j.id
                """).map { row in
                let reply = try row.value("reply_code", as: Int?.self).map {
                    JournalEntry.Reply(code: $0, enhanced: try row.value("reply_enhanced"),
                                       text: try row.value("reply_text", as: String?.self) ?? "")
                }
                return JournalEntry(
                    time: Date(milliseconds: try row.value("time")),
                    kind: JournalEntry.Kind(rawValue: try row.value("kind")) ?? .state,
                    state: MessageState(rawValue: try row.value("state")) ?? .queued, attempt: try row.value("attempt"),
                    durationMs: try row.value("duration_ms"), reply: reply, classification: try row.value("classification"),
                    nextAttemptAt: try row.value("next_attempt_at", as: Int64?.self).map(Date.init(milliseconds:)),
                    detail: try row.value("detail"), owner: try row.value("owner"))
            }
        }
    }

    public func content(eventID: String) throws(OutboxError) -> StoredContent? {
        try connections.withSession("read a message of") { session in
            guard let id = try session.query("SELECT id FROM messages WHERE event_id = \(eventID)").first
                .map({ try $0.value("id", as: Int64.self) }),
                  let found = try Self.contents(session, ids: [id])[id] else { return nil }
            return StoredContent(message: found.message, event: found.event)
        }
    }

    static func contents(_ session: PostgresSession, ids: [Int64]) throws
        -> [Int64: (message: ComposedMessage, event: [UInt8], storedAt: Date)]
    {
        var found: [Int64: (message: ComposedMessage, event: [UInt8], storedAt: Date)] = [:]
        for row in try session.query("""
            SELECT m.id, m.sender, m.recipients, m.message_id, m.created_at, c.bytes, c.event
            FROM messages m JOIN message_content c ON c.message = m.id WHERE m.id = ANY(\(ids))
            """) {
            let recipients = try row.value("recipients", as: String.self)
            let envelope = Envelope(sender: try row.value("sender"), recipients: recipients.components(separatedBy: ", "))
            let message = ComposedMessage(envelope: envelope, messageID: try row.value("message_id"), bytes: try row.bytes("bytes"))
            found[try row.value("id")] = (message, try row.bytes("event"), Date(milliseconds: try row.value("created_at")))
        }
        return found
    }

    public func rejected(since: Date?, until: Date?, after: Int64?, limit: Int) throws(OutboxError) -> [RejectedEvent] {
        try connections.withSession("read the rejected events of") { session in
            try session.query("""
                SELECT id, time, source, line, event_id, problems::text AS problems, excerpt, bytes FROM rejected
                WHERE time >= \(since?.milliseconds ?? Int64.min) AND time < \(until?.milliseconds ?? Int64.max)
                  AND id > \(after ?? 0) ORDER BY id LIMIT \(limit)
                """).map { row in
                let text = try row.value("problems", as: String.self)
                let problems = (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String]
                return RejectedEvent(
                    row: try row.value("id"), time: Date(milliseconds: try row.value("time")), source: try row.value("source"),
                    line: try row.value("line"), eventID: try row.value("event_id"), problems: problems ?? [],
                    excerpt: try row.value("excerpt"), bytes: try row.value("bytes"))
            }
        }
    }

    public func duplicates(after: Int64?, limit: Int) throws(OutboxError) -> [DuplicateEvent] {
        try connections.withSession("read the duplicates of") { session in
            try session.query("SELECT * FROM duplicates WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)").map { row in
                DuplicateEvent(
                    row: try row.value("id"), eventID: try row.value("event_id"),
                    firstSeen: Date(milliseconds: try row.value("first_seen")),
                    lastSeen: Date(milliseconds: try row.value("last_seen")), count: try row.value("count"),
                    lastSource: try row.value("last_source"), lastLine: try row.value("last_line"))
            }
        }
    }
}
