import Foundation
import Mailroom
import Testing

/// The raw MIME of every template in every locale, from the bundled samples, compared byte for byte
/// with `Fixtures/golden/<template>.<locale>.eml`.
///
/// Re-record with `MAILROOM_RECORD_GOLDEN=1` after an intended change to a template, the composer or
/// the samples, then review the diff: it is exactly what recipients will receive.
@Suite("Rendered messages: golden files")
struct RenderedGoldenTests {
    static func goldenName(template: String, locale: String) -> String { "\(template).\(locale).eml" }

    /// Sample file -> event decoder -> catalog -> composer, with the fixed date and boundary.
    static func compose(template: String, locale: String) throws -> (email: RenderedEmail, message: ComposedMessage) {
        let event = try EventDecoder().decode(try RenderingFixtures.sampleBytes(template: template, locale: locale))
        #expect(event.type.templateName == template)
        let email = try RenderingFixtures.catalog().render(event)
        let recipient = try Mailbox(address: event.account.email, displayName: event.account.name)
        let message = try RenderingFixtures.composer().compose(
            email, eventID: event.id, to: recipient, date: RenderingFixtures.fixedDate,
            boundary: RenderingFixtures.fixedBoundary)
        return (email, message)
    }

    @Test(arguments: RenderingFixtures.templateNames, RenderingFixtures.sampleLocales)
    func matchesGoldenFile(template: String, locale: String) throws {
        let (email, message) = try Self.compose(template: template, locale: locale)
        #expect(email.locale == locale, "the \(locale) sample must render in \(locale)")
        try GoldenFile.verify(message.bytes, named: Self.goldenName(template: template, locale: locale))
    }

    /// The stored files themselves (not only today's output) are clean for an independent parser.
    @Test func goldenFilesParseCleanly() throws {
        var names: [String] = []
        var files: [[UInt8]] = []
        var emails: [RenderedEmail] = []
        for template in RenderingFixtures.templateNames {
            for locale in RenderingFixtures.sampleLocales {
                let name = Self.goldenName(template: template, locale: locale)
                names.append(name)
                files.append(try #require(GoldenFile.contents(name), "missing golden file \(name)"))
                emails.append(try Self.compose(template: template, locale: locale).email)
            }
        }
        let reports = try PythonMIMECheck.check(files)
        for (index, report) in reports.enumerated() {
            let name = names[index]
            #expect(report.error == nil, "\(name): \(report.error ?? "")")
            #expect(report.wire.isEmpty, "\(name): \(report.wire)")
            #expect(report.defects == [], "\(name): \(report.defects ?? [])")
            #expect(report.header_names == RenderingFixtures.expectedHeaders(template: emails[index].templateName), "\(name)")
            #expect(report.boundary == RenderingFixtures.fixedBoundary, "\(name)")
            #expect(report.parts == ["text/plain", "text/html"], "\(name)")
            #expect(report.subject == emails[index].subject, "\(name)")
            #expect(report.text == emails[index].text, "\(name)")
            #expect(report.html == emails[index].html, "\(name)")
        }
    }
}
