import Foundation

/// Locale resolution and the number and date formats that go with a resolved locale.
///
/// The wording and the formats always follow the same resolved locale: an account with `fr` gets
/// English text and English formats, never English text with French numbers.
struct TemplateLocale: Sendable, Equatable {
    /// The locale every template must provide and every unsupported tag falls back to.
    static let fallback = "en"

    /// The resolved tag as used in file names, lower case: `en`, `de`, `de-at`.
    let tag: String

    /// The tags to try for an account's BCP 47 locale, most specific first, without the fallback.
    ///
    /// `de-DE` gives `de-de`, `de`; `zh-Hant-TW` gives `zh-hant-tw`, `zh-hant`, `zh`. Underscores
    /// (`de_DE`, a POSIX habit) are read as hyphens.
    static func candidates(for accountLocale: String?) -> [String] {
        guard let accountLocale else { return [] }
        if let plain = plainCandidates(accountLocale) { return plain }
        let normalized = accountLocale.trimmingCharacters(in: .whitespaces)
            .replacingOccurrences(of: "_", with: "-").lowercased()
        var subtags = normalized.split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard subtags.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIAlphanumeric) }) else { return [] }
        var result: [String] = []
        while !subtags.isEmpty {
            result.append(subtags.joined(separator: "-"))
            subtags.removeLast()
        }
        return result
    }

    /// ``candidates(for:)`` without Foundation for the usual tag, only ASCII letters, digits, `-`
    /// and `_` (nothing to trim); nil for anything else.
    private static func plainCandidates(_ accountLocale: String) -> [String]? {
        var normalized: [UInt8] = []
        normalized.reserveCapacity(accountLocale.utf8.count)
        for byte in accountLocale.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): normalized.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): normalized.append(byte | 0x20)
            case UInt8(ascii: "-"), UInt8(ascii: "_"): normalized.append(UInt8(ascii: "-"))
            default: return nil
            }
        }
        let subtags = normalized.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard subtags.allSatisfy({ !$0.isEmpty }) else { return [] }
        return (1...subtags.count).reversed().map { count in
            String(decoding: normalized[..<subtags[count - 1].endIndex], as: UTF8.self)
        }
    }

    /// Picks the first candidate the template has, else ``fallback``.
    static func resolve(_ accountLocale: String?, available: Set<String>) -> TemplateLocale {
        resolve(accountLocale, isAvailable: available.contains)
    }

    /// The same, asking the template for each candidate rather than building a set per message.
    static func resolve(_ accountLocale: String?, isAvailable: (String) -> Bool) -> TemplateLocale {
        TemplateLocale(tag: candidates(for: accountLocale).first(where: isAvailable) ?? fallback)
    }

    /// English uses British conventions: `12 December 2026` reads the same everywhere, and the
    /// currency symbols are unambiguous (`US$` rather than `$`). Other tags are used as they are.
    var foundationLocale: Locale {
        Locale(identifier: tag == "en" ? "en_GB" : tag)
    }

    static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }()

    /// `12 December 2026`, `12. Dezember 2026`; always in UTC, like the timestamps in the events.
    func date(_ timestamp: Timestamp) -> String {
        date(timestamp, formats)
    }

    /// ``date(_:)`` with this locale's ``formats`` already at hand (one cache lookup per message).
    func date(_ timestamp: Timestamp, _ formats: Formats) -> String {
        if let pattern = formats.pattern, let time = CivilTime(timestamp.date) { return pattern.date(time) }
        return timestamp.date.formatted(formats.date)
    }

    /// `12 December 2026 at 09:15 UTC`, `12. Dezember 2026 um 09:15 Uhr UTC`.
    ///
    /// A date-only timestamp (a whole day) renders as its date alone.
    func dateTime(_ timestamp: Timestamp) -> String {
        dateTime(timestamp, formats)
    }

    /// ``dateTime(_:)`` with this locale's ``formats`` already at hand.
    func dateTime(_ timestamp: Timestamp, _ formats: Formats) -> String {
        guard !timestamp.dateOnly else { return date(timestamp, formats) }
        let (middle, end) = dateTimeWords
        if let pattern = formats.pattern, let civil = CivilTime(timestamp.date) {
            // One string, reserved once: the date, the words and the clock appended in place.
            var result = ""
            result.reserveCapacity(48)
            pattern.appendDate(civil, to: &result)
            result += middle
            DatePattern.appendClock(civil, to: &result)
            result += end
            return result
        }
        return timestamp.date.formatted(formats.date) + middle + timestamp.date.formatted(Formats.clock) + end
    }

    /// The words between date and time and after the time, by language.
    private var dateTimeWords: (String, String) {
        let utf8 = tag.utf8
        let isLanguage = { (code: String) in
            utf8.starts(with: code.utf8) && (utf8.count == 2 || utf8.dropFirst(2).first == UInt8(ascii: "-"))
        }
        if isLanguage("en") { return (" at ", " UTC") }
        if isLanguage("de") { return (" um ", " Uhr UTC") }
        return (", ", " UTC")
    }

    /// `€1,250.75`, `1.250,75 €` (with U+00A0 NO-BREAK SPACE before the sign, as Foundation
    /// writes it, so the amount and its currency never wrap apart).
    ///
    /// Formats the `Decimal`, not a `Double`: NumberFormatter on Linux goes through `Double` and
    /// rounds large amounts.
    func money(_ money: Money) -> String {
        formats.money.format(money)
    }
}

extension Character {
    fileprivate var isASCIIAlphanumeric: Bool {
        isASCII && (isLetter || isNumber)
    }
}
