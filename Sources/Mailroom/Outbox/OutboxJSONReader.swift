import Foundation

/// Reads the outbox's own records (journal lines, `meta.json`) with ``JSONParser`` rather than
/// `JSONDecoder`, which cost more than the rest of a claim; a test reads generated records both
/// ways and requires the same values.
///
/// Like the synthesised `Decodable` conformances it replaces, it ignores unknown keys, takes
/// `null` for an absent optional and refuses a record with a missing or mistyped required field
/// (nil). Unlike `JSONDecoder` it also refuses duplicate keys, which no Mailroom writes.
enum OutboxJSONReader {
    static func journalEntry(_ bytes: ArraySlice<UInt8>) -> JournalEntry? {
        guard case .object(let object)? = try? JSONParser.parse(Array(bytes)),
              let time = date(object["time"]),
              let kind = string(object["kind"]).flatMap(JournalEntry.Kind.init(rawValue:)),
              let state = string(object["state"]).flatMap(MessageState.init(rawValue:))
        else { return nil }
        var entry = JournalEntry(time: time, kind: kind, state: state)
        guard optional(object["attempt"], int, into: &entry.attempt),
              optional(object["duration_ms"], int, into: &entry.durationMs),
              optional(object["classification"], string, into: &entry.classification),
              optional(object["next_attempt_at"], date, into: &entry.nextAttemptAt),
              optional(object["detail"], string, into: &entry.detail),
              optional(object["pid"], { int($0).flatMap(Int32.init(exactly:)) }, into: &entry.pid),
              optional(object["reply"], reply, into: &entry.reply)
        else { return nil }
        return entry
    }

    static func meta(_ bytes: [UInt8]) -> MessageMeta? {
        guard case .object(let object)? = try? JSONParser.parse(bytes),
              case .object(let envelope)? = object["envelope"],
              let sender = string(envelope["sender"]),
              case .array(let recipientValues)? = envelope["recipients"],
              let eventID = string(object["event_id"]),
              let eventType = string(object["event_type"]),
              let template = string(object["template"]),
              let messageID = string(object["message_id"]),
              let createdAt = date(object["created_at"]),
              let size = int(object["size"])
        else { return nil }
        let recipients = recipientValues.compactMap { string($0) }
        guard recipients.count == recipientValues.count else { return nil }
        var locale: String?
        guard optional(object["locale"], string, into: &locale) else { return nil }
        return MessageMeta(
            eventID: eventID, eventType: eventType, template: template, locale: locale,
            envelope: Envelope(sender: sender, recipients: recipients), messageID: messageID, createdAt: createdAt,
            size: size)
    }

    /// Sets `target` from an optional field: absent or `null` leaves nil; a value that does not
    /// convert makes the record unreadable (false).
    private static func optional<Value>(
        _ value: JSONValue?, _ convert: (JSONValue?) -> Value?, into target: inout Value?
    ) -> Bool {
        guard let value, value != .null else { return true }
        guard let converted = convert(value) else { return false }
        target = converted
        return true
    }

    private static func string(_ value: JSONValue?) -> String? {
        if case .string(let text)? = value { return text }
        return nil
    }

    private static func int(_ value: JSONValue?) -> Int? {
        if case .number(let text)? = value { return Int(text) }
        return nil
    }

    private static func reply(_ value: JSONValue?) -> JournalEntry.Reply? {
        guard case .object(let object)? = value, let code = int(object["code"]), let text = string(object["text"])
        else { return nil }
        var enhanced: String?
        guard optional(object["enhanced"], string, into: &enhanced) else { return nil }
        return JournalEntry.Reply(code: code, enhanced: enhanced, text: text)
    }

    private static func date(_ value: JSONValue?) -> Date? {
        guard let text = string(value) else { return nil }
        return timestamp(text) ?? OutboxCoding.date(text)
    }

    /// `2026-11-28T09:15:00.123Z`, the shape ``OutboxJSONWriter`` writes, read without Foundation's
    /// parser; the same `Date` as `Date.ISO8601FormatStyle` gives. Nil (leave it to Foundation)
    /// for any other shape and for times near 2001.
    static func timestamp(_ text: String) -> Date? {
        let utf8 = text.utf8
        guard utf8.count == 24 else { return nil }
        return utf8.withContiguousStorageIfAvailable { bytes -> Date? in
            func number(_ start: Int, _ count: Int) -> Int64? {
                var value: Int64 = 0
                for index in start..<(start + count) {
                    let digit = bytes[index] &- UInt8(ascii: "0")
                    guard digit < 10 else { return nil }
                    value = value * 10 + Int64(digit)
                }
                return value
            }
            let separators: [(Int, UInt8)] = [
                (4, UInt8(ascii: "-")), (7, UInt8(ascii: "-")), (10, UInt8(ascii: "T")), (13, UInt8(ascii: ":")),
                (16, UInt8(ascii: ":")), (19, UInt8(ascii: ".")), (23, UInt8(ascii: "Z")),
            ]
            guard separators.allSatisfy({ bytes[$0.0] == $0.1 }),
                  let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
                  let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2),
                  let millisecond = number(20, 3),
                  (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
            else { return nil }
            let days = Int64(CivilDate(year: Int(year), month: Int(month), day: Int(day)).daysSinceEpoch)
            let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - 978_307_200
            // Within about three years of 2001 Foundation's sum can differ from this one in the last
            // bit (its arithmetic is not documented); there it decides. Elsewhere 390,000 random
            // times read back identically.
            guard abs(seconds) > 100_000_000 else { return nil }
            return Date(timeIntervalSinceReferenceDate: Double(seconds) + Double(millisecond) / 1000)
        } ?? nil
    }
}
