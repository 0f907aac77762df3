import Foundation
import Synchronization

extension TemplateLocale {
    /// The formats of one locale, made once per process rather than once per value, since building
    /// a `Date.FormatStyle` and formatting through ICU are the expensive part of a date.
    ///
    /// Dates in the common range are written from a pattern read off Foundation's own output
    /// (`23 July 2031` gives day, month names and year in their places) and kept only if it
    /// reproduces Foundation's output for a spread of dates; otherwise, and for any date outside
    /// the verified range or with a fraction of a second, Foundation formats it.
    final class Formats: Sendable {
        let date: Date.FormatStyle
        let pattern: DatePattern?
        let money: MoneyFormats

        init(locale: Locale) {
            money = MoneyFormats(locale: locale)
            date = Date.FormatStyle(
                date: .omitted, time: .omitted, locale: locale, calendar: TemplateLocale.calendar,
                timeZone: TemplateLocale.utc
            ).day(.defaultDigits).month(.wide).year(.defaultDigits)
            pattern = DatePattern.derive(from: date)
        }

        /// `09:05`; it has no locale, so every locale shares it (and its check, see
        /// ``DatePattern/clockReproduces``).
        static let clock = Date.VerbatimFormatStyle(
            format: "\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            timeZone: TemplateLocale.utc, calendar: TemplateLocale.calendar)
    }

    private static let formatsByTag = Mutex<[String: Formats]>([:])

    /// This locale's formats, made on first use.
    var formats: Formats {
        if let known = Self.formatsByTag.withLock({ $0[tag] }) { return known }
        let made = Formats(locale: foundationLocale)
        return Self.formatsByTag.withLock { cache in
            if let raced = cache[tag] { return raced }
            cache[tag] = made
            return made
        }
    }

    /// A UTC calendar day and time of day from a whole second, without ICU.
    struct CivilTime: Equatable {
        var year: Int
        var month: Int
        var day: Int
        var hour: Int
        var minute: Int

        /// The years the pattern is checked for; ICU's calendar is Julian before 1582.
        static let years = 1900...9999

        init(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
            self.year = year
            self.month = month
            self.day = day
            self.hour = hour
            self.minute = minute
        }

        /// nil for a fraction of a second (ICU's millisecond rounding decides those) or a year
        /// outside ``years``.
        init?(_ date: Date) {
            let seconds = date.timeIntervalSince1970
            guard seconds.rounded(.down) == seconds, abs(seconds) < 1e12 else { return nil }
            let whole = Int(seconds)
            let (days, secondOfDay) = CivilDate.floorDivide(whole, by: 86_400)
            let civil = CivilDate(daysSinceEpoch: days)
            (year, month, day) = (civil.year, civil.month, civil.day)
            hour = secondOfDay / 3600
            minute = secondOfDay % 3600 / 60
            guard Self.years.contains(year) else { return nil }
        }
    }

    /// A locale's long date as literal text around day, month name and year, read off Foundation.
    struct DatePattern: Sendable {
        /// Literal text and placeholders: `\u{1}` day, `\u{2}` month name, `\u{3}` year.
        let pieces: [String]
        let monthNames: [String]

        func date(_ time: CivilTime) -> String {
            var result = ""
            result.reserveCapacity(32)
            appendDate(time, to: &result)
            return result
        }

        /// ``date(_:)`` appended to `result`, so a date and time make one string.
        func appendDate(_ time: CivilTime, to result: inout String) {
            for piece in pieces {
                switch piece.utf8.first {
                case 0x01: result += String(time.day)
                case 0x02: result += monthNames[time.month - 1]
                case 0x03: result += String(time.year)
                default: result += piece
                }
            }
        }

        /// `09:05`: two digits each, 24-hour, as ``Formats/clock`` writes it (it has no locale, so
        /// every pattern shares it).
        static func appendClock(_ time: CivilTime, to result: inout String) {
            result += twoDigits[time.hour]
            result += ":"
            result += twoDigits[time.minute]
        }

        /// `00` to `59`, small strings kept inline: appending one copies two bytes.
        private static let twoDigits: [String] = (0..<60).map { $0 < 10 ? "0\($0)" : String($0) }

        private static let placeholders: Set<Character> = ["\u{1}", "\u{2}", "\u{3}"]

        /// The pattern, or nil when Foundation's output does not fit one or is not reproduced.
        static func derive(from style: Date.FormatStyle) -> DatePattern? {
            var templates: [String] = []
            for month in 1...12 {
                guard let date = makeDate(2031, month, 23, 0, 0) else { return nil }
                let text = date.formatted(style)
                guard text.components(separatedBy: "23").count == 2, text.components(separatedBy: "2031").count == 2
                else { return nil }
                templates.append(
                    text.replacingOccurrences(of: "2031", with: "\u{3}").replacingOccurrences(of: "23", with: "\u{1}"))
            }
            let prefix = templates.dropFirst().reduce(Array(templates[0])) { common, next in
                Array(zip(common, next).prefix { $0 == $1 }.map(\.0))
            }
            let suffix = templates.dropFirst().reduce(Array(templates[0].reversed())) { common, next in
                Array(zip(common, next.reversed()).prefix { $0 == $1 }.map(\.0))
            }.reversed()
            let names = templates.map { String($0.dropFirst(prefix.count).dropLast(suffix.count)) }
            guard prefix.count + suffix.count < templates.map(\.count).min() ?? 0,
                !names.contains(where: { $0.contains(where: { $0.isNumber || placeholders.contains($0) }) })
            else { return nil }
            var pieces: [String] = []
            var literal = ""
            for character in String(prefix) + "\u{2}" + String(suffix) {
                guard placeholders.contains(character) else {
                    literal.append(character)
                    continue
                }
                if !literal.isEmpty { pieces.append(literal) }
                literal = ""
                pieces.append(String(character))
            }
            if !literal.isEmpty { pieces.append(literal) }
            let pattern = DatePattern(pieces: pieces, monthNames: names)
            return pattern.reproduces(style) ? pattern : nil
        }

        /// Every sample date written as this pattern and ``appendClock(_:to:)`` write it, compared
        /// with Foundation. The clock has no locale: its check is made once per process.
        private func reproduces(_ style: Date.FormatStyle) -> Bool {
            guard Self.clockReproduces, let samples = Self.samples else { return false }
            return samples.allSatisfy { date($1) == $0.formatted(style) }
        }

        /// Every month at the edges of the range, the first and last days, leap days and a spread
        /// of times, with their civil time (nil if ours differs from the calendar's for one).
        /// Made once per process, not per locale.
        private static let samples: [(Date, CivilTime)]? = {
            var samples: [(Int, Int, Int, Int, Int)] = [(2000, 2, 29, 0, 0), (2024, 2, 29, 23, 59), (2100, 2, 28, 12, 0)]
            for year in [CivilTime.years.lowerBound, 1999, 2026, 2031, CivilTime.years.upperBound] {
                for month in 1...12 {
                    for day in [1, 9, 10, 28] { samples.append((year, month, day, (month * 7 + day) % 24, day * 2 % 60)) }
                }
                samples.append((year, 12, 31, 23, 59))
            }
            var result: [(Date, CivilTime)] = []
            for (year, month, day, hour, minute) in samples {
                guard let date = makeDate(year, month, day, hour, minute), let time = CivilTime(date),
                    time == CivilTime(year: year, month: month, day: day, hour: hour, minute: minute)
                else { return nil }
                result.append((date, time))
            }
            return result
        }()

        /// Whether ``appendClock(_:to:)`` writes what the shared ``Formats/clock`` style writes for
        /// every sample.
        private static let clockReproduces: Bool = {
            guard let samples else { return false }
            return samples.allSatisfy { sample in
                var text = ""
                appendClock(sample.1, to: &text)
                return text == sample.0.formatted(Formats.clock)
            }
        }()

        private static func makeDate(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int) -> Date? {
            TemplateLocale.calendar.date(
                from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute))
        }
    }
}
