import Foundation
import Testing

@testable import Mailroom

/// Every shipped template in every locale, over many generated events, rendered by swift-mustache
/// and by the compiled programs: the emails and the problems must be identical.
@Suite("Template program: shipped templates against swift-mustache")
struct TemplateProgramDifferentialTests {
    let catalog: TemplateCatalog

    init() throws {
        catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
    }

    /// Text that is awkward for escaping, spacing, grapheme clusters and subjects.
    static let texts: [String?] = [
        nil, "", "Ada Lovelace", "<b>Tom & \"Jerry\"</b> 'x'", "\u{600}<script>", "Zoë Kierkegaard",
        "first line\nsecond line", "  padded  \t", "e\u{301}\u{301} <", "日本語のテキスト", "\r\n", "\u{2028}",
    ]

    static func records(_ count: Int, _ seed: Int) -> [RetainedRecord] {
        (0..<count).map { index in
            let text = texts[(seed + index) % texts.count] ?? "Records \(index)"
            return RetainedRecord(
                category: text, reason: texts[(seed + index + 3) % texts.count] ?? "",
                retainUntil: TemplateFixtures.timestamp(index.isMultiple(of: 2) ? "2036-12-31" : "2031-12-12T08:05:00Z"))
        }
    }

    static var events: [Event] {
        var events: [Event] = []
        for (seed, text) in texts.enumerated() {
            let other = texts[(seed + 5) % texts.count]
            events.append(
                TemplateFixtures.closure(
                    name: text, reference: text ?? "CLS-1", cancelURL: other, supportURL: text))
            events.append(TemplateFixtures.withdrawal(amount: "\(seed)250.7\(seed % 10)", withdrawURL: text))
            events.append(
                TemplateFixtures.retention(name: other, retained: records(seed % 4, seed), privacyContact: text))
            var odd = TemplateFixtures.closure(name: text)
            odd.account.email = text ?? "x@example.com"
            odd.id = other ?? "evt"
            events.append(odd)
        }
        return events
    }

    static let locales: [String?] = [nil, "en", "de", "de-AT", "fr"]

    @Test func sameEmailsAndProblemsAsMustache() throws {
        var compared = 0
        var withProblems = 0
        for event in Self.events {
            for locale in Self.locales {
                var event = event
                event.account.locale = locale
                let fast = try catalog.renderCollecting(event, engine: .program)
                let slow = try catalog.renderCollecting(event, engine: .mustache)
                #expect(fast.email == slow.email, "\(event.type) \(locale ?? "-") \(event.account.name ?? "-")")
                #expect(Self.describe(fast.problems) == Self.describe(slow.problems))
                compared += 1
                withProblems += slow.problems.isEmpty ? 0 : 1
            }
        }
        // The generated events must reach both the clean path and every kind of problem.
        #expect(compared == Self.events.count * Self.locales.count)
        #expect(withProblems > 0 && withProblems < compared)
    }

    @Test func sameProblemsForATypoAndAnAbsentOptional() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "retention-notice/html.de.mustache", replacing: "{{reason}}", with: "{{reasn}} {{privacy_contact}}")
        try TemplateFixtures.edit(directory, "layouts/layout.text.en.mustache", replacing: "{{company}}", with: "{{compny}}")
        let catalog = try TemplateCatalog(directory: directory)
        for locale in ["de", "en"] {
            let event = TemplateFixtures.retention(locale: locale, privacyContact: nil)
            let fast = try catalog.renderCollecting(event, engine: .program)
            let slow = try catalog.renderCollecting(event, engine: .mustache)
            #expect(!fast.problems.isEmpty)
            #expect(Self.describe(fast.problems) == Self.describe(slow.problems))
            #expect(fast.email == slow.email)
        }
    }

    @Test func samplesCheckTheSameBothWays() throws {
        for event in TemplateFixtures.samples {
            for shape in [event, event.withAllOptionals(), event.withoutOptionals()] {
                let fast = try catalog.renderCollecting(shape, engine: .program)
                let slow = try catalog.renderCollecting(shape, engine: .mustache)
                #expect(fast.email == slow.email)
                #expect(fast.problems.isEmpty && slow.problems.isEmpty)
            }
        }
    }

    static func describe(_ problems: [TemplateError]) -> [String] {
        problems.map { "\($0.code) \($0.template ?? "-") \($0.locale ?? "-") \($0.file ?? "-") \($0.variable ?? "-") \($0.message)" }
    }
}
