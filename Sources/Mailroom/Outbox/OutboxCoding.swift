import Foundation

/// The JSON conventions of every outbox file: sorted keys, unescaped slashes, and UTC timestamps with
/// milliseconds (`2026-11-28T09:15:00.123Z`) so `jq` and `sort` read them as they are.
enum OutboxCoding {
    private static let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
    private static let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)

    static func string(_ date: Date) -> String {
        withFraction.format(date)
    }

    static func date(_ text: String) -> Date? {
        (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text))
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(string(date))
        }
        return encoder
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = date(text) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time: \(text)")
            }
            return date
        }
        return decoder
    }

    /// One JSON object followed by a newline: the unit appended to an `.ndjson` file.
    static func line<Value: Encodable>(_ value: Value, path: String) throws(OutboxError) -> [UInt8] {
        do {
            var bytes = [UInt8](try encoder().encode(value))
            bytes.append(UInt8(ascii: "\n"))
            return bytes
        } catch {
            throw OutboxError(code: .io, message: "cannot encode a record for \(path): \(error)", path: path)
        }
    }

    /// Shortens free text so that one journal record stays well below `PIPE_BUF` (4096 bytes).
    static func bounded(_ text: String, limit: Int = 1000) -> String {
        guard text.utf8.count > limit else { return text }
        var result = ""
        var used = 0
        for character in text {
            let size = character.utf8.count
            if used + size > limit - 3 { break }
            result.append(character)
            used += size
        }
        return result + "..."
    }
}
