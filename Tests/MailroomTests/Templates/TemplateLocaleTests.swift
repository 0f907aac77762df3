import Foundation
import Mailroom
import Testing

@Suite("Template locales: resolution, fallback and formats")
struct TemplateLocaleTests {
    let catalog: TemplateCatalog

    init() throws {
        catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
    }

    @Test(arguments: [
        ("de", "de"), ("de-DE", "de"), ("de-AT", "de"), ("de_CH", "de"), ("DE", "de"),
        ("en", "en"), ("en-US", "en"), ("fr", "en"), ("fr-FR", "en"), ("", "en"), ("not a tag", "en"),
    ])
    func resolution(tag: String, expected: String) throws {
        let event = TemplateFixtures.withdrawal(locale: tag)
        #expect(catalog.resolvedLocale(for: event) == expected)
        #expect(try catalog.render(event).locale == expected)
    }

    @Test func missingLocaleFallsBackToEnglish() throws {
        #expect(try catalog.render(TemplateFixtures.withdrawal(locale: nil)).locale == "en")
    }

    @Test func unsupportedLocaleGetsEnglishWordingAndEnglishFormats() throws {
        let email = try catalog.render(TemplateFixtures.withdrawal(locale: "fr"))
        #expect(email.subject == "Please withdraw your balance of €1,250.75 by 11 December 2026")
        #expect(!email.text.containsWrapped("1.250,75") && !email.text.containsWrapped("1 250,75"))
    }

    @Test func austrianGermanGetsGermanWordingAndGermanFormats() throws {
        let email = try catalog.render(TemplateFixtures.withdrawal(locale: "de-AT"))
        #expect(email.subject.contains("1.250,75\u{00A0}€ bis zum 11. Dezember 2026"))
    }

    @Test(arguments: [
        ("en", "12345678901234567.89", "EUR", "€12,345,678,901,234,567.89"),
        ("de", "12345678901234567.89", "EUR", "12.345.678.901.234.567,89\u{00A0}€"),
        ("en", "1250.7", "EUR", "€1,250.70"),
        ("en", "1250", "USD", "US$1,250.00"),
        ("en", "0.5", "GBP", "£0.50"),
        ("de", "1250.75", "CHF", "1.250,75\u{00A0}CHF"),
        ("en", "1250", "JPY", "JP¥1,250"),
    ])
    func amounts(locale: String, amount: String, currency: String, expected: String) throws {
        let email = try catalog.render(TemplateFixtures.withdrawal(locale: locale, amount: amount, currency: currency))
        #expect(email.subject.contains(" \(expected) "), "exact decimal, no rounding through Double")
    }

    @Test func datesAreRenderedInUTC() throws {
        var event = TemplateFixtures.closure()
        guard case .closureRequested(var data) = event.payload else { return }
        // 23:30 UTC on the 11th is already the 12th in Berlin: the email must still say the 11th.
        data.effectiveAt = TemplateFixtures.timestamp("2026-03-11T23:30:00Z")
        event.payload = .closureRequested(data)
        #expect(try catalog.render(event).text.contains("closed on 11 March 2026 at 23:30 UTC"))
        event.account.locale = "de"
        #expect(try catalog.render(event).text.contains("am 11. März 2026 um 23:30 Uhr UTC geschlossen"))
    }

    @Test func perLocaleLayoutFallsBackToTheSharedOne() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        let layouts = directory.appending(path: "layouts")
        try FileManager.default.removeItem(at: layouts.appending(path: "layout.text.de.mustache"))
        try "{{{body}}}\n\n-- shared footer for {{company}}\n".write(
            to: layouts.appending(path: "layout.text.mustache"), atomically: true, encoding: .utf8)
        let catalog = try TemplateCatalog(directory: directory)
        #expect(try catalog.render(TemplateFixtures.closure(locale: "de")).text.hasSuffix("-- shared footer for Example\n"))
        #expect(try catalog.render(TemplateFixtures.closure(locale: "en")).text.contains("Kind regards,"))
    }
}
