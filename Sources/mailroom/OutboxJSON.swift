import Foundation
import Mailroom

/// The `--json` shapes of the outbox commands: snake_case keys, RFC 3339 times, stable order.
enum OutboxJSON {
    static func status(_ status: OutboxStatus, path: String) -> [String: Any] {
        var counts: [String: Any] = [:]
        for state in MessageState.allCases { counts[state.rawValue] = status.counts[state, default: 0] }
        var document: [String: Any] = [
            "outbox": path, "counts": counts, "total": status.total, "rejected": status.rejected,
            "duplicates": status.duplicates, "unreadable": status.unreadable, "taken_at": timestamp(status.takenAt),
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
            "created_at": timestamp(record.createdAt), "attempts": record.attempts,
        ]
        object["locale"] = record.locale ?? NSNull()
        object["last_attempt_at"] = record.lastAttemptAt.map(timestamp) ?? NSNull()
        object["next_attempt_at"] = record.nextAttemptAt.map(timestamp) ?? NSNull()
        object["last_reply"] = record.lastReply.map(reply) ?? NSNull()
        object["last_detail"] = record.lastDetail ?? NSNull()
        return object
    }

    static func journalEntry(_ entry: JournalEntry) -> [String: Any] {
        var object: [String: Any] = ["time": timestamp(entry.time), "kind": entry.kind.rawValue, "state": entry.state.rawValue]
        if let attempt = entry.attempt { object["attempt"] = attempt }
        if let ms = entry.durationMs { object["duration_ms"] = ms }
        if let r = entry.reply { object["reply"] = reply(r.smtpReply) }
        if let c = entry.classification { object["classification"] = c }
        if let next = entry.nextAttemptAt { object["next_attempt_at"] = timestamp(next) }
        if let detail = entry.detail { object["detail"] = detail }
        return object
    }

    static func journalLine(_ entry: JournalEntry) -> String {
        var parts = [timestamp(entry.time), entry.kind.rawValue, "-> \(entry.state.rawValue)"]
        if let attempt = entry.attempt { parts.append("attempt \(attempt)") }
        if let ms = entry.durationMs { parts.append("\(ms) ms") }
        if let c = entry.classification { parts.append(c) }
        if let r = entry.reply { parts.append(r.smtpReply.description) }
        if let next = entry.nextAttemptAt { parts.append("next \(timestamp(next))") }
        if let detail = entry.detail { parts.append(detail) }
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

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601)
    }

    static func age(_ seconds: TimeInterval) -> String {
        let s = Int(seconds)
        if s < 120 { return "\(s)s" }
        if s < 7200 { return "\(s / 60)m" }
        if s < 172_800 { return "\(s / 3600)h" }
        return "\(s / 86400)d"
    }
}
