import Foundation

extension MessageDate {
    /// Reads an RFC 5322 date-time (`Sat, 28 Nov 2026 09:15:00 +0000`, day name optional, seconds
    /// optional, any numeric zone), e.g. an `Expires` value; nil when it is not one.
    static func parse(_ text: Substring) -> Date? {
        var words = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\n" })[...]
        if let first = words.first, first.hasSuffix(",") { words = words.dropFirst() }
        guard words.count == 5, let day = Int(words[words.startIndex]), (1...31).contains(day),
              let month = monthNames.firstIndex(of: String(words[words.startIndex + 1])),
              let year = Int(words[words.startIndex + 2]), year >= 1970
        else { return nil }
        let clock = words[words.startIndex + 3].split(separator: ":").map { Int($0) }
        guard clock.count == 2 || clock.count == 3, let hour = clock[0], let minute = clock[1],
              let second = clock.count == 3 ? clock[2] : 0,
              (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second)
        else { return nil }
        let zone = words[words.startIndex + 4]
        guard zone.count == 5, let sign = zone.first, sign == "+" || sign == "-", let offset = Int(zone.dropFirst()) else {
            return nil
        }
        let offsetSeconds = (offset / 100 * 3600 + offset % 100 * 60) * (sign == "-" ? -1 : 1)
        let days = CivilDate(year: year, month: month + 1, day: day).daysSinceEpoch
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}

extension ComposedMessage {
    /// The `Expires` header's time, when the message has one: its deadline, read from the bytes
    /// themselves so that a stored message carries it to every later attempt, in any store.
    package var expires: Date? {
        var lineStart = 0
        let bytes = self.bytes
        while lineStart < bytes.count {
            // The header section ends at the first empty line.
            if bytes[lineStart] == 0x0D { return nil }
            var end = lineStart
            while end + 1 < bytes.count && !(bytes[end] == 0x0D && bytes[end + 1] == 0x0A) { end += 1 }
            // Continuation lines join the field they follow; Expires is never folded by us, but
            // a folded one still reads.
            while end + 2 < bytes.count && (bytes[end + 2] == 0x20 || bytes[end + 2] == 0x09) {
                end += 2
                while end + 1 < bytes.count && !(bytes[end] == 0x0D && bytes[end + 1] == 0x0A) { end += 1 }
            }
            let name = "expires:".utf8
            if end - lineStart > name.count,
               zip(bytes[lineStart..<(lineStart + name.count)], name).allSatisfy({ ($0 | 0x20) == ($1 | 0x20) }) {
                return MessageDate.parse(Substring(String(decoding: bytes[(lineStart + name.count)..<end], as: UTF8.self)))
            }
            lineStart = end + 2
        }
        return nil
    }
}
