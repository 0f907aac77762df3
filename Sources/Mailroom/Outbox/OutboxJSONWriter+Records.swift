/// The outbox records written with ``OutboxJSONWriter``, keys in the sorted order `JSONEncoder`
/// with `.sortedKeys` uses, optional fields left out when nil as the synthesised `Codable` does.
extension JournalEntry {
    /// The record as one journal line, newline included.
    var jsonLine: [UInt8] {
        var writer = OutboxJSONWriter(capacity: 160 + (detail?.utf8.count ?? 0) + (reply?.text.utf8.count ?? 0))
        writer.beginObject()
        if let attempt {
            writer.key("attempt")
            writer.int(attempt)
        }
        if let classification {
            writer.key("classification")
            writer.string(classification)
        }
        if let detail {
            writer.key("detail")
            writer.string(detail)
        }
        if let durationMs {
            writer.key("duration_ms")
            writer.int(durationMs)
        }
        writer.key("kind")
        writer.string(kind.rawValue)
        if let nextAttemptAt {
            writer.key("next_attempt_at")
            writer.date(nextAttemptAt)
        }
        if let pid {
            writer.key("pid")
            writer.int(pid)
        }
        if let reply {
            writer.key("reply")
            writer.beginObject()
            writer.key("code")
            writer.int(reply.code)
            if let enhanced = reply.enhanced {
                writer.key("enhanced")
                writer.string(enhanced)
            }
            writer.key("text")
            writer.string(reply.text)
            writer.endObject()
        }
        writer.key("state")
        writer.string(state.rawValue)
        writer.key("time")
        writer.date(time)
        writer.endObject()
        writer.newline()
        return writer.bytes
    }
}

extension MessageMeta {
    /// The contents of `meta.json`, newline included.
    var jsonLine: [UInt8] {
        var writer = OutboxJSONWriter(capacity: 320)
        writer.beginObject()
        writer.key("created_at")
        writer.date(createdAt)
        writer.key("envelope")
        writer.beginObject()
        writer.key("recipients")
        writer.beginArray()
        for recipient in envelope.recipients { writer.string(recipient) }
        writer.endArray()
        writer.key("sender")
        writer.string(envelope.sender)
        writer.endObject()
        writer.key("event_id")
        writer.string(eventID)
        writer.key("event_type")
        writer.string(eventType)
        if let locale {
            writer.key("locale")
            writer.string(locale)
        }
        writer.key("message_id")
        writer.string(messageID)
        writer.key("size")
        writer.int(size)
        writer.key("template")
        writer.string(template)
        writer.endObject()
        writer.newline()
        return writer.bytes
    }
}
