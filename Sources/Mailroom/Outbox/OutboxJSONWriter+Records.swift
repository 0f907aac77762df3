/// The outbox records written with ``OutboxJSONWriter``, keys in the sorted order `JSONEncoder`
/// with `.sortedKeys` uses, optional fields left out when nil as the synthesised `Codable` does.
extension JournalEntry {
    /// The record as one journal line, newline included.
    var jsonLine: [UInt8] {
        var writer = OutboxJSONWriter(capacity: 160 + (detail?.utf8.count ?? 0) + (reply?.text.utf8.count ?? 0))
        writer.beginObject()
        writer.field("attempt", attempt)
        writer.field("classification", classification)
        writer.field("detail", detail)
        writer.field("duration_ms", durationMs)
        writer.field("kind", kind.rawValue)
        writer.field("next_attempt_at", nextAttemptAt)
        writer.field("pid", pid)
        if let reply {
            writer.key("reply")
            writer.beginObject()
            writer.field("code", reply.code)
            writer.field("enhanced", reply.enhanced)
            writer.field("text", reply.text)
            writer.endObject()
        }
        writer.field("state", state.rawValue)
        writer.field("time", time)
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
        writer.field("created_at", createdAt)
        writer.key("envelope")
        writer.beginObject()
        writer.key("recipients")
        writer.beginArray()
        for recipient in envelope.recipients { writer.string(recipient) }
        writer.endArray()
        writer.field("sender", envelope.sender)
        writer.endObject()
        writer.field("event_id", eventID)
        writer.field("event_type", eventType)
        writer.field("locale", locale)
        writer.field("message_id", messageID)
        writer.field("size", size)
        writer.field("template", template)
        writer.endObject()
        writer.newline()
        return writer.bytes
    }
}
