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
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, timeOfDay) = CivilDate.floorDivide(seconds, by: 86_400)
        let secondOfDay = Int64(timeOfDay)
        let civil = CivilDate(daysSinceEpoch: days)
        let (year, month, day) = (Int64(civil.year), civil.month, Int64(civil.day))
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

    private static func two(_ value: Int64, into out: inout WireWriter) {
        if value < 10 { out.append(UInt8(ascii: "0")) }
        out.appendDecimal(value)
    }
}
