import Foundation
import Testing
@testable import Mailroom

/// The format rules behind the decoder, one table each.
@Suite("Event field formats")
struct EventFieldFormatTests {
    @Test(arguments: [
        ("2026-11-28T09:15:00Z", 1_795_857_300.0),
        ("2026-11-28t09:15:00z", 1_795_857_300.0),
        ("2026-11-28T11:15:00+02:00", 1_795_857_300.0),
        ("2026-11-28T03:45:00-05:30", 1_795_857_300.0),
        ("2026-11-28T09:15:00-00:00", 1_795_857_300.0),
        ("2026-11-28T09:15:00.5Z", 1_795_857_300.5),
        ("2026-11-28T09:15:00.123456789Z", 1_795_857_300.123456789),
        ("2024-02-29T00:00:00Z", 1_709_164_800.0),
        ("2000-02-29T00:00:00Z", 951_782_400.0),
        ("1970-01-01T00:00:00Z", 0.0),
        ("0001-01-01T00:00:00Z", -62_135_596_800.0),
        // A leap second is allowed at 23:59:60 UTC and lands on the next second.
        ("2016-12-31T23:59:60Z", 1_483_228_800.0),
        ("2017-01-01T00:29:60+00:30", 1_483_228_800.0),
    ])
    func acceptedTimestamps(text: String, seconds: Double) throws {
        let timestamp = try RFC3339.parse(text, allowDateOnly: false).get()
        #expect(abs(timestamp.date.timeIntervalSince1970 - seconds) < 0.000_001)
        #expect(timestamp.text == text)
        #expect(timestamp.dateOnly == false)
    }

    @Test(arguments: [
        "2026-02-30T00:00:00Z", "2026-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-11-28T09:60:00Z",
        "2026-11-28T09:15:61Z", "2026-11-28T09:15:60Z", "2026-11-28T09:15Z", "2026-11-28T09:15:00",
        "2026-11-28T09:15:00.Z", "2026-11-28T09:15:00+0200", "2026-11-28T09:15:00+02", "2026-11-28 09:15:00Z",
        "26-11-28T09:15:00Z", "2026-11-28T09:15:00ZZ", "2026-11-28", "", "+2026-11-28T09:15:00Z",
        "２０２６-11-28T09:15:00Z", "2026-11-28T09:15:00Z\n",
    ])
    func rejectedTimestamps(text: String) {
        #expect(throws: FieldProblem.self) { try RFC3339.parse(text, allowDateOnly: false).get() }
    }

    @Test func dateOnlyIsMidnightUTCWhenAllowed() throws {
        let timestamp = try RFC3339.parse("2033-12-31", allowDateOnly: true).get()
        #expect(timestamp == Timestamp(date: Date(timeIntervalSince1970: 2_019_600_000), text: "2033-12-31", dateOnly: true))
        #expect(throws: FieldProblem.self) { try RFC3339.parse("2033-02-29", allowDateOnly: true).get() }
        #expect(try RFC3339.parse("2032-02-29", allowDateOnly: true).get().dateOnly)
    }

    @Test(arguments: [
        "en", "de-DE", "zh-Hant-TW", "es-419", "sl-rozaj-biske", "en-US-u-ca-gregory", "x-private",
        "sr-Latn-RS", "EN-us", "zh-yue-HK", "de-CH-1901", "en-a-bbb-x-a-ccc", "tlh",
    ])
    func acceptedLanguageTags(tag: String) {
        #expect(LanguageTag.problem(with: tag) == nil)
    }

    @Test(arguments: [
        "", "de_DE", "e", "english1", "en--US", "en-", "-en", "123", "en-u", "toolongsubtag", "en US",
        "i-klingon", "en-x", "x", "dé", "en-US-u",
    ])
    func rejectedLanguageTags(tag: String) {
        #expect(LanguageTag.problem(with: tag) != nil)
    }

    @Test(arguments: [
        "https://example.com", "HTTPS://EXAMPLE.COM/a?b=c#d", "https://example.com:8443/x",
        "https://[::1]/x", "https://example.com/a%20b", "https://xn--bcher-kva.example/",
        "https://example.com/path;p=1/~user/(x)*!'$&+,=:@",
    ])
    func acceptedURLs(url: String) {
        #expect(HTTPSURL.problem(with: url) == nil)
    }

    @Test(arguments: [
        "http://example.com", "https://", "https:///x", "https://exa mple.com", "https://example.com:0",
        "https://example.com:99999", "https://example.com:", "https://example.com/ä", "https://ex_ample.com",
        "https://example.com/%zz", "https://example.com/%2", "https://user:pw@example.com/", "ftp://example.com",
        "https://-example.com", "https://example..com", "https://[::1/x", "//example.com", "https:example.com",
        "https://example.com/a\"b", "https://example.com/<script>", "https://example.com/\u{7F}",
    ])
    func rejectedURLs(url: String) {
        #expect(HTTPSURL.problem(with: url) != nil)
    }

    @Test(arguments: ["EUR", "USD", "JPY", "KWD", "BHD", "CLF", "CHF", "XOF"])
    func knownCurrencies(code: String) {
        #expect(EventFieldChecker.currencyProblem(code) == nil)
    }

    @Test func minorUnits() {
        #expect(ISO4217.minorUnits(of: "EUR") == 2)
        #expect(ISO4217.minorUnits(of: "JPY") == 0)
        #expect(ISO4217.minorUnits(of: "KWD") == 3)
        #expect(ISO4217.minorUnits(of: "BHD") == 3)
        #expect(ISO4217.minorUnits(of: "CLF") == 4)
        #expect(ISO4217.minorUnits(of: "XAU") == nil)
        #expect(ISO4217.minorUnits(of: "eur") == nil)
    }

    @Test(arguments: ["", "1.", ".5", "1..2", "1.2.3", " 1", "1 ", "0x10", "١٢", "1_000", "Infinity"])
    func rejectedAmounts(amount: String) {
        #expect(EventFieldChecker.amountProblem(amount, currency: "EUR", minorUnits: 2) != nil)
    }
}
