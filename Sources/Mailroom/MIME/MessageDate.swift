import Foundation

/// RFC 5322 `Date` values (`Sat, 28 Nov 2026 09:15:00 +0000`), always in UTC.
///
/// Computed from the epoch seconds with the civil-from-days algorithm rather than a `DateFormatter`,
/// so the output depends on no locale, calendar or time-zone database.
enum MessageDate {
    private static let weekdays: [StaticString] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
    private static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    static func format(_ date: Date) -> String {
        var out = WireWriter(capacity: 40)
        out.startField("Date")
        write(date, into: &out)
        // Drop the `Date: ` that only served to start the field.
        return String(decoding: out.bytes(in: 6..<out.count), as: UTF8.self)
    }

    /// Writes the date as the tokens of a `Date` field that `out` has started:
    /// `Sat,` `28` `Nov` `2026` `09:15:00` `+0000`.
    static func write(_ date: Date, into out: inout WireWriter) {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = civil(fromDays: days)
        out.beginToken()
        out.append(weekdays[Int(((days % 7) + 7) % 7)])
        out.append(UInt8(ascii: ","))
        out.endToken()
        out.beginToken()
        out.appendDecimal(day)
        out.endToken()
        out.token(months[month - 1])
        out.beginToken()
        out.appendDecimal(year)
        out.endToken()
        out.beginToken()
        two(secondOfDay / 3600, into: &out)
        out.append(UInt8(ascii: ":"))
        two(secondOfDay / 60 % 60, into: &out)
        out.append(UInt8(ascii: ":"))
        two(secondOfDay % 60, into: &out)
        out.endToken()
        out.token("+0000")
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }

    private static func two(_ value: Int64, into out: inout WireWriter) {
        if value < 10 { out.append(UInt8(ascii: "0")) }
        out.appendDecimal(value)
    }

    /// Howard Hinnant's days-to-civil: proleptic Gregorian (year, month 1-12, day 1-31).
    private static func civil(fromDays days: Int64) -> (Int64, Int, Int64) {
        let z = days + 719_468
        let era = floorDiv(z, 146_097)
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, Int(month), day)
    }
}
