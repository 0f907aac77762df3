import Foundation
import Mustache
import Testing

@testable import Mailroom

/// Every shipped template file, over the variables of many generated events in every locale,
/// rendered by the engine and by swift-mustache: the text and the problems must be identical.
@Suite("Template program: shipped templates against swift-mustache")
struct TemplateProgramDifferentialTests {
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

    /// Each shipped file with the text the engine compiled and swift-mustache's parse of it.
    struct Judged {
        let file: TemplateFile
        let isLayout: Bool
        let mustache: MustacheTemplate
    }

    static func judged(_ catalog: TemplateCatalog, _ name: String, _ locale: String) throws -> [Judged] {
        let localized = try #require(catalog.templates[name]?[locale])
        return try [
            (localized.subject, false), (localized.text, false), (localized.html, false),
            (localized.textLayout, true), (localized.htmlLayout, true),
        ].map { file, isLayout in
            let source = try String(contentsOf: catalog.directory.appending(path: file.path), encoding: .utf8)
            let text = TemplateFile.compiledText(source, part: file.part)
            return Judged(file: file, isLayout: isLayout, mustache: try MustacheOracle.template(text, escaping: file.part.escaping))
        }
    }

    @Test func sameTextAndProblemsAsMustache() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        var compared = 0
        var withProblems = 0
        for event in Self.events {
            let name = event.type.templateName
            for locale in catalog.locales(of: name) {
                let files = try Self.judged(catalog, name, locale)
                var variables = event.templateVariables(in: TemplateLocale(tag: locale), over: catalog.globalVariables)
                for (layoutBody, layoutSubject) in [(nil, nil), ("<p>Body & text</p>\n", "A subject <&>")] as [(String?, String?)] {
                    variables[.body] = layoutBody.map(TemplateValue.text)
                    variables[.subject] = layoutSubject.map(TemplateValue.text)
                    for judged in files where judged.isLayout == (layoutBody != nil) {
                        let rendered = judged.file.program.render(variables)
                        let expected = MustacheOracle.render(judged.mustache, scopes: variables.dictionaries)
                        #expect(rendered == expected, "\(judged.file.path) \(event.account.name ?? "-")")
                        compared += 1
                        withProblems += expected.missing.isEmpty && expected.absentRendered.isEmpty ? 0 : 1
                    }
                }
            }
        }
        // The shipped templates test every optional before they show it: no render has a problem.
        #expect(compared == Self.events.count * 2 * 5)
        #expect(withProblems == 0)
    }

    @Test func sameProblemsForATypoAndAnAbsentOptional() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "retention-notice/html.de.mustache", replacing: "{{reason}}", with: "{{reasn}} {{privacy_contact}}")
        try TemplateFixtures.edit(directory, "layouts/layout.text.de.mustache", replacing: "{{company}}", with: "{{compny}}")
        let catalog = try TemplateCatalog(directory: directory)
        let event = TemplateFixtures.retention(locale: "de", privacyContact: nil)
        var variables = event.templateVariables(in: TemplateLocale(tag: "de"), over: catalog.globalVariables)
        variables[.body] = .text("body")
        variables[.subject] = .text("subject")
        var problems = 0
        for judged in try Self.judged(catalog, "retention-notice", "de") {
            let rendered = judged.file.program.render(variables)
            let expected = MustacheOracle.render(judged.mustache, scopes: variables.dictionaries)
            #expect(rendered == expected, "\(judged.file.path)")
            problems += expected.missing.count + expected.absentRendered.count
        }
        #expect(problems == 3)
    }
}
