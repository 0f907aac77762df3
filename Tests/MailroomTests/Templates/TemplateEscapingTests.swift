import Foundation
import Mailroom
import Testing

@Suite("Template escaping: HTML-escaped in the HTML part only")
struct TemplateEscapingTests {
    let catalog: TemplateCatalog

    init() throws {
        catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
    }

    static let hostileName = "Ada <script>alert(1)</script> & \"Co\""

    @Test func nameIsEscapedInHTMLAndVerbatimInText() throws {
        let email = try catalog.render(TemplateFixtures.closure(name: Self.hostileName))
        #expect(email.html.contains("Dear Ada &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;,"))
        #expect(!email.html.contains("<script>"))
        #expect(email.text.containsWrapped("Dear \(Self.hostileName),"))
        #expect(!email.text.containsWrapped("&amp;") && !email.text.containsWrapped("&lt;") && !email.text.containsWrapped("&quot;"))
    }

    @Test func subjectIsNeverEscaped() throws {
        let email = try catalog.render(TemplateFixtures.closure(reference: "R&D <1>"))
        #expect(email.subject == "Your Example account will be closed on 12 December 2026 (ref. R&D <1>)")
        #expect(email.text.containsWrapped("Your reference: R&D <1>"))
        #expect(email.html.contains("<strong>R&amp;D &lt;1&gt;</strong>"))
        #expect(email.html.contains("<title>Your Example account will be closed on 12 December 2026 (ref. R&amp;D &lt;1&gt;)</title>"))
    }

    @Test func categoryAndReasonAreEscapedInHTMLOnly() throws {
        let record = RetainedRecord(
            category: "Tax & <b>payment</b> records", reason: "Law says so & more",
            retainUntil: TemplateFixtures.timestamp("2036-12-31"))
        for locale in ["en", "de"] {
            let email = try catalog.render(TemplateFixtures.retention(locale: locale, retained: [record]))
            #expect(email.html.contains("<strong>Tax &amp; &lt;b&gt;payment&lt;/b&gt; records</strong>"))
            #expect(email.html.contains("Law says so &amp; more"))
            #expect(!email.html.contains("<b>payment"))
            #expect(email.text.containsWrapped("  - Tax & <b>payment</b> records\n"))
            #expect(!email.text.containsWrapped("&amp;"))
            #expect(!email.subject.contains("&amp;"))
        }
    }

    @Test func urlsKeepTheirAmpersandInTextAndAreEscapedInAttributes() throws {
        let url = "https://example.com/cancel?ref=CLS-1&token=a'b"
        let email = try catalog.render(TemplateFixtures.closure(cancelURL: url))
        #expect(email.text.containsWrapped("\n\(url)\n"))
        #expect(email.html.contains("href=\"https://example.com/cancel?ref=CLS-1&amp;token=a&#39;b\""))
    }
}
