import Foundation
import Mailroom
import Testing

/// Every template, locale and sample variant, rendered and composed, then read back by Python's
/// `email` package (policy.default) in one batch: what a mail client will see must be what we rendered.
@Suite("Rendered messages: read back by Python's email package")
struct RenderedMessageParsingTests {
    /// Ways to vary a bundled sample before it is encoded as JSON and decoded again.
    enum Variant: String, CaseIterable {
        case sample
        case allOptionalPresent
        case allOptionalAbsent
        case nonASCIIName
        case htmlSpecialsName
        case unsupportedLocale

        static let nonASCIIText = "Zoë Ångström-Łukasiewicz  山田 太郎 🙂 שלום e\u{301}"
        /// U+0600 makes `؀<` one `Character`: escaping per Character would let `<b>` through.
        static let htmlSpecialsText = "Ada <script>alert(\"x\")</script> & 'Co' </title> \u{0600}<b>bold</b>"

        /// The optional `data` fields of each template, with a value worth showing.
        static let optionalData: [String: [String: String]] = [
            "closure-confirmation": [
                "cancel_url": "https://example.com/account/closure/CLS-2026-0042/cancel?a=1&b='2'",
                "support_url": "https://example.com/help/account-closure",
            ],
            "withdrawal-reminder": ["withdraw_url": "https://example.com/account/balance/withdraw?from=email&x='y'(1)"],
            "retention-notice": ["privacy_contact": "privacy&data@example.com"],
        ]

        func apply(to event: inout [String: Any], template: String) {
            var account = event["account"] as? [String: Any] ?? [:]
            var data = event["data"] as? [String: Any] ?? [:]
            let optional = Self.optionalData[template] ?? [:]
            switch self {
            case .sample:
                break
            case .allOptionalPresent:
                if account["name"] == nil { account["name"] = "Ada Lovelace" }
                data.merge(optional) { _, new in new }
            case .allOptionalAbsent:
                account["name"] = nil
                for key in optional.keys { data[key] = nil }
            case .nonASCIIName:
                account["name"] = Self.nonASCIIText
            case .htmlSpecialsName:
                account["name"] = Self.htmlSpecialsText
            case .unsupportedLocale:
                account["locale"] = "fr-CA"
            }
            event["account"] = account
            event["data"] = data
        }
    }

    struct Case {
        var label: String
        var event: Event
        var email: RenderedEmail
        var message: ComposedMessage
    }

    static func cases() throws -> [Case] {
        let catalog = try RenderingFixtures.catalog()
        let composer = try RenderingFixtures.composer()
        var cases: [Case] = []
        for template in RenderingFixtures.templateNames {
            for locale in RenderingFixtures.sampleLocales {
                for variant in Variant.allCases {
                    var object = try RenderingFixtures.sampleObject(template: template, locale: locale)
                    variant.apply(to: &object, template: template)
                    let event = try RenderingFixtures.decode(object)
                    let email = try catalog.render(event)
                    let message = try composer.compose(
                        email, eventID: event.id,
                        to: try Mailbox(address: event.account.email, displayName: event.account.name),
                        date: RenderingFixtures.fixedDate)
                    cases.append(Case(label: "\(template) \(locale) \(variant)", event: event, email: email, message: message))
                }
            }
        }
        return cases
    }

    @Test func everyVariantReadsBackAsRendered() throws {
        let cases = try Self.cases()
        #expect(cases.count == 3 * 2 * Variant.allCases.count)
        let reports = try PythonMIMECheck.check(cases.map(\.message.bytes))
        try #require(reports.count == cases.count)
        for (item, report) in zip(cases, reports) {
            let label = item.label
            #expect(report.error == nil, "\(label): \(report.error ?? "")")
            #expect(report.wire.isEmpty, "\(label): \(report.wire)")
            #expect(report.defects == [], "\(label): \(report.defects ?? [])")
            #expect(report.header_names == RenderingFixtures.expectedHeaders(template: item.email.templateName), "\(label)")
            #expect(report.part_header_names == RenderingFixtures.expectedPartHeaders, "\(label)")
            #expect(report.parts == ["text/plain", "text/html"], "\(label)")
            #expect(report.subject == item.email.subject, "\(label) subject")
            #expect(report.text == MIMEWire.lineFeeds(item.email.text), "\(label) text")
            #expect(report.html == MIMEWire.lineFeeds(item.email.html), "\(label) html")
            #expect(report.from == [.init(display_name: "Example Accounts", address: RenderingFixtures.senderAddress)])
            #expect(report.reply_to == [.init(display_name: "Example Support", address: "support@example.com")])
            #expect(report.message_id == item.message.messageID, "\(label)")
            #expect(item.message.envelope.recipients == [item.event.account.email], "\(label)")

            let to = try #require(report.to, "\(label): no To")
            #expect(to.map(\.address) == [item.event.account.email], "\(label) To address")
            let name = item.event.account.name ?? ""
            let parsedName = to.first?.display_name ?? ""
            if name.unicodeScalars.allSatisfy(\.isASCII) {
                #expect(parsedName == name, "\(label) To display name")
            } else {
                // Python's address parser keeps the space between adjacent encoded words and collapses
                // runs of spaces inside one (see MessagePropertyTests); it must agree on all else, and
                // the RFC 2047 decoder in MIMEWire must give the name exactly.
                #expect(RenderingFixtures.withoutSpaces(parsedName) == RenderingFixtures.withoutSpaces(name), "\(label) To display name")
                let toValue = try #require(MIMEWire.headers(item.message.bytes).first { $0.name == "To" }?.value)
                #expect(MIMEWire.displayName(inMailbox: toValue) == name, "\(label) To display name (RFC 2047)")
            }

            for entity in RenderingFixtures.entities {
                #expect(report.subject?.contains(entity) == false, "\(label): \(entity) in the subject")
                #expect(report.text?.contains(entity) == false, "\(label): \(entity) in the text part")
            }
            if !name.isEmpty {
                #expect(RenderingFixtures.bytes(of: report.text ?? "", contain: name), "\(label): name verbatim in the text part")
                #expect(RenderingFixtures.bytes(of: report.html ?? "", contain: RenderingFixtures.htmlEscaped(name)), "\(label): name escaped in HTML")
            }
            let html = report.html ?? ""
            #expect(!RenderingFixtures.bytes(of: html, contain: "<script"), "\(label): unescaped script tag in the HTML part")
            #expect(!RenderingFixtures.bytes(of: html, contain: "<b>bold"), "\(label): unescaped tag after U+0600 in the HTML part")
            #expect(html.components(separatedBy: "</title>").count == 2, "\(label): one </title> only")
        }
    }

    @Test func variantsReachTheirWording() throws {
        let cases = try Self.cases()
        let absent = cases.filter { $0.label.hasSuffix(" allOptionalAbsent") }
        let present = cases.filter { $0.label.hasSuffix(" allOptionalPresent") }
        #expect(absent.count == 6 && present.count == 6)
        for item in absent {
            #expect(item.email.text.hasPrefix("Hello,\n") || item.email.text.hasPrefix("Guten Tag,\n"), "\(item.label)")
            #expect(!item.email.text.contains("https://"), "\(item.label): no link when none was given")
        }
        for item in present {
            for (_, value) in Variant.optionalData[item.email.templateName] ?? [:] {
                #expect(item.email.text.contains(value), "\(item.label): \(value) in the text")
                #expect(item.email.html.contains(RenderingFixtures.htmlEscaped(value)), "\(item.label): \(value) in the HTML")
            }
        }
        for item in cases where item.label.hasSuffix(" unsupportedLocale") {
            #expect(item.email.locale == "en", "\(item.label) falls back to English")
        }
    }
}
