import Foundation
import Mailroom

/// The one JSON shape of the outbox's records, for `--json` output and `outbox export` alike:
/// snake_case keys, RFC 3339 UTC times with milliseconds, sorted keys.
enum OutboxJSON {
    static func status(_ status: OutboxStatus, location: String) -> [String: Any] {
        var counts: [String: Any] = [:]
        for state in MessageState.allCases { counts[state.rawValue] = status.counts[state, default: 0] }
        var document: [String: Any] = [
            "outbox": location, "counts": counts, "total": status.total, "rejected": status.rejected,
            "duplicates": status.duplicates, "leased": status.leased, "taken_at": timestamp(status.takenAt),
        ]
        document["oldest_unsent_at"] = status.oldestUnsentAt.map(timestamp) ?? NSNull()
        document["oldest_unsent_age_seconds"] = status.oldestUnsentAge.map { Int($0) } ?? NSNull()
        document["next_retry_at"] = status.nextRetryAt.map(timestamp) ?? NSNull()
        return document
    }

    static func record(_ record: MessageRecord) -> [String: Any] {
        var object: [String: Any] = [
            "event_id": record.eventID, "event_type": record.eventType, "template": record.template,
            "state": record.state.rawValue, "recipients": record.recipients, "message_id": record.messageID,
            "created_at": timestamp(record.createdAt), "attempts": record.attempts, "size": record.size,
        ]
        object["locale"] = record.locale ?? NSNull()
        object["last_attempt_at"] = record.lastAttemptAt.map(timestamp) ?? NSNull()
        object["next_attempt_at"] = record.nextAttemptAt.map(timestamp) ?? NSNull()
        object["last_reply"] = record.lastReply.map(reply) ?? NSNull()
        object["last_detail"] = record.lastDetail ?? NSNull()
        object["leased_by"] = record.leasedBy ?? NSNull()
        if let redaction = record.redaction {
            object["redacted_at"] = timestamp(redaction.redactedAt)
            object["recipient_hashes"] = redaction.recipientHashes
            object["content_sha256"] = redaction.contentSHA256
        }
        return object
    }

    /// `outbox show --json`: the record, its journal, the source event and the exact bytes.
    /// A redacted message (`content` nil) has neither event nor bytes left.
    static func message(_ record: MessageRecord, journal: [JournalEntry], content: StoredContent?) -> [String: Any] {
        var document = self.record(record)
        document["journal"] = journal.map(journalEntry)
        guard let content else {
            document["event"] = NSNull()
            document["message"] = NSNull()
            return document
        }
        document["event"] = String(decoding: content.event, as: UTF8.self)
        document["message"] = String(decoding: content.message.bytes, as: UTF8.self)
        document["envelope"] = ["sender": content.message.envelope.sender,
                                "recipients": content.message.envelope.recipients] as [String: Any]
        return document
    }

    static func journalEntry(_ entry: JournalEntry) -> [String: Any] {
        var object: [String: Any] = ["time": timestamp(entry.time), "kind": entry.kind.rawValue, "state": entry.state.rawValue]
        if let attempt = entry.attempt { object["attempt"] = attempt }
        if let ms = entry.durationMs { object["duration_ms"] = ms }
        if let r = entry.reply { object["reply"] = reply(r.smtpReply) }
        if let c = entry.classification { object["classification"] = c }
        if let next = entry.nextAttemptAt { object["next_attempt_at"] = timestamp(next) }
        if let detail = entry.detail { object["detail"] = detail }
        if let owner = entry.owner { object["owner"] = owner }
        return object
    }

    static func rejected(_ event: RejectedEvent) -> [String: Any] {
        ["time": timestamp(event.time), "source": event.source, "line": event.line,
         "event_id": event.eventID ?? NSNull(), "problems": event.problems, "excerpt": event.excerpt,
         "bytes": event.bytes]
    }

    static func duplicate(_ event: DuplicateEvent) -> [String: Any] {
        ["event_id": event.eventID, "first_seen": timestamp(event.firstSeen), "last_seen": timestamp(event.lastSeen),
         "count": event.count, "last_source": event.lastSource, "last_line": event.lastLine]
    }

    static func journalLine(_ entry: JournalEntry) -> String {
        var parts = [timestamp(entry.time), entry.kind.rawValue, "-> \(entry.state.rawValue)"]
        if let attempt = entry.attempt { parts.append("attempt \(attempt)") }
        if let ms = entry.durationMs { parts.append("\(ms) ms") }
        if let c = entry.classification { parts.append(c) }
        if let r = entry.reply { parts.append(r.smtpReply.description) }
        if let next = entry.nextAttemptAt { parts.append("next \(timestamp(next))") }
        if let detail = entry.detail { parts.append(detail) }
        if let owner = entry.owner { parts.append("by \(owner)") }
        return parts.joined(separator: "  ")
    }

    static func reply(_ reply: SMTPReply) -> [String: Any] {
        ["code": reply.code, "enhanced_code": reply.enhancedCode ?? NSNull(), "text": reply.text]
    }

    static func text(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return "{}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)

    static func timestamp(_ date: Date) -> String {
        style.format(date)
    }

    static func age(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}
