import Foundation

/// RFC 3339 (section 5.6) timestamps and full dates, parsed by hand for exact rules.
///
/// `ISO8601DateFormatter` accepts things RFC 3339 does not and rolls impossible dates over
/// (2026-02-30 becomes March 2nd), so events would carry a date nobody wrote. Here the grammar
/// is followed to the letter: `T`/`t` between date and time, `Z`/`z` or `+hh:mm`/`-hh:mm`
/// offsets, any number of fractional second digits, real calendar dates (leap years included),
/// and a leap second `:60` only where the UTC minute is 59. A space instead of `T` is refused.
enum RFC3339 {
    /// Longest text looked at; anything longer is reported by length, not parsed.
    static let maxLength = 64

    static let example = "2026-11-28T09:15:00Z"

    /// Parses `text`; a plain `YYYY-MM-DD` is accepted only when `allowDateOnly` (its date is
    /// midnight UTC of that day and `dateOnly` is true).
    static func parse(_ text: String, allowDateOnly: Bool) -> Result<Timestamp, FieldProblem> {
        let shape = allowDateOnly
            ? "an RFC 3339 date (2033-12-31) or timestamp (\(example))"
            : "an RFC 3339 timestamp such as \(example)"
        if text.utf8.count > maxLength {
            return .failure(FieldProblem("expected \(shape), found a string of \(text.utf8.count) bytes"))
        }
        let bytes = Array(text.utf8)
        var reader = DigitReader(bytes: bytes)
        // Computed only on failure: quoting the text costs more than parsing it.
        var malformed: FieldProblem { FieldProblem("expected \(shape), found \(SafeText.quoted(text))") }

        guard let year = reader.digits(4), reader.skip("-"),
              let month = reader.digits(2), reader.skip("-"),
              let day = reader.digits(2)
        else { return .failure(malformed) }
        guard (1...12).contains(month) else {
            return .failure(FieldProblem("month \(twoDigits(month)) does not exist, in \(SafeText.quoted(text))"))
        }
        let monthLength = daysIn(month: month, year: year)
        guard (1...monthLength).contains(day) else {
            let name = monthNames[month - 1]
            return .failure(FieldProblem("\(SafeText.quoted(String(text.prefix(10)))) is not a calendar date: \(name) \(year) has \(monthLength) days"))
        }
        let days = CivilDate(year: year, month: month, day: day).daysSinceEpoch
        if reader.atEnd {
            guard allowDateOnly else {
                return .failure(FieldProblem("expected \(shape) with a time and offset, found only a date \(SafeText.quoted(text))"))
            }
            let date = Date(timeIntervalSince1970: Double(days) * 86_400)
            return .success(Timestamp(date: date, text: text, dateOnly: true))
        }
        guard reader.skip("T") || reader.skip("t") else {
            if reader.peek == UInt8(ascii: " ") {
                return .failure(FieldProblem("expected 'T' between date and time, found a space, in \(SafeText.quoted(text))"))
            }
            return .failure(malformed)
        }
        guard let hour = reader.digits(2), reader.skip(":"),
              let minute = reader.digits(2), reader.skip(":"),
              let second = reader.digits(2)
        else { return .failure(malformed) }
        guard hour <= 23, minute <= 59, second <= 60 else {
            return .failure(FieldProblem("the time of day is out of range in \(SafeText.quoted(text))"))
        }
        var fraction = 0.0
        if reader.skip(".") {
            guard let value = reader.fraction() else { return .failure(malformed) }
            fraction = value
        }
        let offsetMinutes: Int
        if reader.skip("Z") || reader.skip("z") {
            offsetMinutes = 0
        } else if let sign = reader.sign() {
            guard let offsetHour = reader.digits(2), reader.skip(":"), let offsetMinute = reader.digits(2) else {
                return .failure(malformed)
            }
            guard offsetHour <= 23, offsetMinute <= 59 else {
                return .failure(FieldProblem("the offset is out of range in \(SafeText.quoted(text))"))
            }
            offsetMinutes = sign * (offsetHour * 60 + offsetMinute)
        } else if reader.atEnd {
            return .failure(FieldProblem("expected \(shape); the time zone offset (Z or +hh:mm) is missing in \(SafeText.quoted(text))"))
        } else {
            return .failure(malformed)
        }
        guard reader.atEnd else { return .failure(malformed) }
        let localMinutes = hour * 60 + minute
        if second == 60, ((localMinutes - offsetMinutes) % 60 + 60) % 60 != 59 {
            return .failure(FieldProblem("second 60 (a leap second) is only valid at minute 59 UTC, in \(SafeText.quoted(text))"))
        }
        let seconds = days * 86_400 + (localMinutes - offsetMinutes) * 60 + second
        let date = Date(timeIntervalSince1970: Double(seconds) + fraction)
        return .success(Timestamp(date: date, text: text, dateOnly: false))
    }

    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static let monthNames = [
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ]

    private static func twoDigits(_ value: Int) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}

/// Reads fixed-width ASCII digit groups and punctuation from a short byte string.
private struct DigitReader {
    let bytes: [UInt8]
    var index = 0

    var atEnd: Bool { index == bytes.count }
    var peek: UInt8? { index < bytes.count ? bytes[index] : nil }

    mutating func digits(_ count: Int) -> Int? {
        guard index + count <= bytes.count else { return nil }
        var value = 0
        for byte in bytes[index..<(index + count)] {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        index += count
        return value
    }

    mutating func skip(_ character: Unicode.Scalar) -> Bool {
        guard peek == UInt8(character.value) else { return false }
        index += 1
        return true
    }

    mutating func sign() -> Int? {
        if skip("+") { return 1 }
        if skip("-") { return -1 }
        return nil
    }

    /// One or more digits after the decimal point, as a fraction of a second.
    mutating func fraction() -> Double? {
        var value = 0.0
        var scale = 1.0
        let start = index
        while let byte = peek, byte >= 0x30, byte <= 0x39 {
            if scale > 1e-12 {
                scale /= 10
                value += Double(byte - 0x30) * scale
            }
            index += 1
        }
        return index > start ? value : nil
    }
}
