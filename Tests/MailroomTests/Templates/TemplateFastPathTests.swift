import Foundation
import MailroomTesting
import Testing

@testable import Mailroom

/// The byte and pattern versions of the text helpers and formats against the versions they
/// replace, on generated input.
@Suite("Template fast paths: formats, tidying, subjects and escaping")
struct TemplateFastPathTests {
    /// Pieces whose combinations exercise line breaks, runs of white space, grapheme clusters
    /// (a prepended U+0600, combining marks, CR LF) and control characters.
    static let pieces = [
        "a", " ", "\t", "\n", "\r\n", "\r", "\u{600}", "\u{301}", "ö", "日本", "<&>\"'", "  ", "\n\n\n", "\u{2028}",
        "\u{85}", "\u{A0}", "\u{1}", "x y", "\u{7F}",
    ]

    /// Every string of up to three pieces, plus longer ones from a fixed shuffle.
    static var inputs: [String] {
        var result = [""]
        for a in pieces {
            result.append(a)
            for b in pieces {
                result.append(a + b)
                for c in pieces.prefix(9) { result.append(a + b + c) }
            }
        }
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            result.append((0..<Int.random(in: 4...20, using: &generator)).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined())
        }
        return result
    }

    @Test func tidyingByBytesMatchesTidyingByCharacters() {
        var usedBytes = 0
        for input in Self.inputs {
            let trimmed = LocalizedTemplate.trimmed(input)
            let reference = LocalizedTemplate.tidiedCharacters(trimmed)
            if let bytes = LocalizedTemplate.tidiedBytes(trimmed) {
                usedBytes += 1
                #expect(bytes == reference, "\(input.debugDescription)")
            }
            #expect(LocalizedTemplate.tidyText(input) == reference)
            #expect(LocalizedTemplate.trimmedLine(input) == LocalizedTemplate.trimmed(input) + "\n")
            #expect(LocalizedTemplate.trimmedLine("<p>" + input + "</p>\n") == LocalizedTemplate.trimmed("<p>" + input + "</p>\n") + "\n")
        }
        #expect(usedBytes > Self.inputs.count / 4)
    }

    @Test func collapsingSubjectSpacesByBytesMatchesCharacters() {
        var usedBytes = 0
        for input in Self.inputs {
            guard let fast = LocalizedTemplate.collapsedSpaces(input) else { continue }
            usedBytes += 1
            let reference = input.split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            #expect(fast == reference, "\(input.debugDescription)")
            #expect(!reference.isEmpty && !reference.unicodeScalars.contains(where: SafeText.isForbiddenInLine))
        }
        #expect(usedBytes > 100)
    }

    @Test func escapingByBytesMatchesEscapingByScalars() {
        for input in Self.inputs {
            var output = "prefix"
            ScalarHTMLEscaping.append(input, to: &output)
            #expect(output == "prefix" + MustacheOracle.ScalarHTML().escapeText(input))
        }
    }

    @Test(arguments: ["en", "de", "de-at", "fr", "ja", "ar", "zh-hant"])
    func datesMatchFoundation(tag: String) throws {
        let locale = TemplateLocale(tag: tag)
        let calendar = TemplateLocale.calendar
        // The formats as they were built per call before they were cached.
        let dateStyle = Date.FormatStyle(
            date: .omitted, time: .omitted, locale: locale.foundationLocale, calendar: calendar,
            timeZone: TemplateLocale.utc
        ).day(.defaultDigits).month(.wide).year(.defaultDigits)
        let clockStyle = Date.VerbatimFormatStyle(
            format: "\(hour: .twoDigits(clock: .twentyFourHour, hourCycle: .zeroBased)):\(minute: .twoDigits)",
            timeZone: TemplateLocale.utc, calendar: calendar)
        var generator = SeededGenerator(seed: UInt64(tag.utf8.count))
        var dates: [Date] = [Date(timeIntervalSince1970: 0), Date(timeIntervalSince1970: -1), Date(timeIntervalSince1970: 59.999)]
        for _ in 0..<400 {
            // 1890 to 2200, whole seconds and fractions, so both sides of the range are crossed.
            let seconds = Double(Int64.random(in: -2_521_000_000...7_258_000_000, using: &generator))
            dates.append(Date(timeIntervalSince1970: seconds))
            dates.append(Date(timeIntervalSince1970: seconds + 0.25))
        }
        for date in dates {
            let timestamp = Timestamp(date: date, text: "")
            let expectedDate = date.formatted(dateStyle)
            #expect(locale.date(timestamp) == expectedDate)
            let time = date.formatted(clockStyle)
            let expectedDateTime =
                switch tag.prefix(2) {
                case "en": "\(expectedDate) at \(time) UTC"
                case "de": "\(expectedDate) um \(time) Uhr UTC"
                default: "\(expectedDate), \(time) UTC"
                }
            #expect(locale.dateTime(timestamp) == expectedDateTime)
        }
        if tag == "en" || tag == "de" { #expect(locale.formats.pattern != nil, "the shipped locales use the pattern") }
    }

    @Test(arguments: ["en", "de", "de-at", "fr", "es", "hi", "ar", "ja"])
    func amountsMatchFoundation(tag: String) throws {
        let locale = TemplateLocale(tag: tag)
        let posix = Locale(identifier: "en_US_POSIX")
        var generator = SeededGenerator(seed: UInt64(tag.utf8.count) * 31)
        var amounts = ["0", "0.5", "0.05", "1000", "1234.5", "999.999", "12345678901234567.89", "100000000000000000000000000000"]
        for _ in 0..<60 {
            let integer = String(Int.random(in: 1...9, using: &generator))
                + (0..<Int.random(in: 0...20, using: &generator)).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            let decimals = Int.random(in: 0...3, using: &generator)
            let fraction = (0..<decimals).map { _ in String(Int.random(in: 0...9, using: &generator)) }.joined()
            amounts.append(fraction.isEmpty ? integer : "\(integer).\(fraction)")
        }
        for currency in ["EUR", "USD", "GBP", "CHF", "JPY", "KWD", "IQD", "CLP", "INR", "HUF", "ISK"] {
            for amount in amounts {
                let value = try #require(Decimal(string: amount, locale: posix))
                let money = Money(amount: amount, value: value, currency: currency)
                let expected = value.formatted(.currency(code: currency).locale(locale.foundationLocale))
                #expect(locale.money(money) == expected, "\(tag) \(currency) \(amount)")
            }
        }
        if tag == "en" || tag == "de" {
            let style = Decimal.FormatStyle.Currency(code: "EUR").locale(locale.foundationLocale)
            #expect(TemplateLocale.MoneyPattern.derive(style) != nil, "the shipped locales use the pattern")
        }
    }
}
