import Foundation
import Testing

@testable import Mailroom

/// Small hand-written templates rendered by the engine and by swift-mustache: the output and the
/// recorded names must be identical, whitespace included.
@Suite("Template program: hand-written templates against swift-mustache")
struct TemplateProgramTests {
    static let sources: [String] = [
        // Standalone lines disappear with their newline; others keep their white space.
        "{{#a}}\nx\n{{/a}}\n",
        "  {{#list}}  \n  - {{item}}\n  {{/list}}  \nend",
        "before {{#a}}\n  inside\n{{/a}} after\n",
        "\t{{^missing_one}}\t\nshown\n\t{{/missing_one}}",
        "{{#a}}x{{/a}}  \n{{#a}}  \ny\n  {{/a}}\n\n\n",
        "x\n{{#a}}y{{/a}}  ",
        // Nested and inverted sections, over text, lists, absent and missing names.
        "{{#a}}{{#list}}{{item}}[{{c}}]{{/list}}{{^empty}}none{{/empty}}{{/a}}",
        "{{^empty}}none{{/empty}}{{^list}}never{{/list}}{{#empty}}never{{/empty}}",
        "{{#c}}never {{c}}{{/c}}{{^c}}no c{{/c}}; {{c}} {{nope}} {{c}} {{nope}} {{other}}",
        "{{#b}}empty text is truthy{{/b}}{{^b}}never{{/b}}",
        "{{#nested}}{{#inner}}{{item}}-{{a}}-{{index()}};{{/inner}}|{{/nested}}",
        // List positions, inside and outside lists, and inside sections that keep or drop them.
        "{{#list}}{{index()}}{{#first()}}F{{/first()}}{{^last()}},{{/last()}}{{#even()}}e{{/even()}}{{#odd()}}o{{/odd()}}{{/list}}",
        "{{index()}}{{first()}}{{#first()}}never{{/first()}}{{^first()}}outside{{/first()}}{{#index()}}x{{/index()}}",
        "{{#list}}{{first()}}{{last()}}{{even()}}{{odd()}}{{{index()}}}{{/list}}",
        "{{#list}}{{#item}}[{{index()}}{{first()}}]{{/item}}{{^c}}<{{index()}}>{{/c}}{{/list}}",
        "{{#list}}{{#index()}}#{{index()}}{{/index()}}{{^index()}}never{{/index()}}{{/list}}",
        "{{#one}}{{#first()}}{{#last()}}only{{/last()}}{{/first()}}{{/one}}",
        "{{#list}}{{^missing_one}}{{index()}}{{/missing_one}}{{/list}}",
        // Comments, escaping forms, white space inside tags, tags at the very start and end.
        "a {{! c }} b\n  {{! standalone }}  \nc {{! a } b }}d",
        "{{a}}",
        "{{#a}}x{{/a}}",
        "{{{a}}}|{{&a}}|{{a}}|{{ a }}|{{# a }}s{{/ a }}|{{{ a }}}",
        // Parser corners: an opening brace that is no tag, a prepended mark that swallows the
        // brace, a line separator after a standalone tag.
        "{x} {{a}} {y", "a{\n{{a}}",
        "\u{600}{{a}}",
        "{{#a}}\u{2028}x{{/a}}",
        "{{#a}} \u{2028}{{/a}}y",
        "no tags at all",
        "",
    ]

    static func values(_ variant: Int) -> [String: TemplateValue] {
        let texts = ["A", "<b>&\"'</b>", "\u{600}<i>", "line\nbreak", "Zoë", ""]
        func element(_ index: Int) -> [String: TemplateValue] {
            ["item": index == 1 ? .absent : .text("\(texts[(index + variant) % texts.count])\(index)")]
        }
        let count = [0, 1, 3][variant % 3]
        return [
            "a": .text(texts[variant % texts.count]), "b": .text(""), "c": .absent,
            "list": .list((0..<count).map(element)), "empty": .list([]), "one": .list([element(0)]),
            "nested": .list([["inner": .list((0..<2).map(element))], ["inner": .list([])]]),
        ]
    }

    @Test(arguments: sources)
    func sameAsMustache(source: String) throws {
        for part in [TemplatePart.text, .html] {
            let file = try TemplateFile.compile(source, path: "t", part: part, template: nil, locale: nil)
            for variant in 0..<6 {
                for scopes in [[Self.values(variant)], [Self.values(variant), ["a": .text("layout"), "x": .absent]]] {
                    let expected = try MustacheOracle.render(source, escaping: part.escaping, scopes: scopes)
                    let rendered = file.program.render(TemplateVariables(behind: scopes))
                    #expect(rendered == expected, "\(part) \(source.debugDescription) variant \(variant)")
                }
            }
        }
    }

    @Test func aListRenderedAsTextIsAProblem() throws {
        let file = try TemplateFile.compile("[{{list}}]", path: "t", part: .text, template: nil, locale: nil)
        let rendered = file.program.render(TemplateVariables(behind: [Self.values(2)]))
        #expect(rendered.output == "[]")
        #expect(rendered.listsRendered == ["list"])
        #expect(file.program.render(TemplateVariables(behind: [["list": .text("plain")]])).output == "[plain]")
    }

    @Test func aListRenderedAsTextIsReportedByTheCatalog() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "retention-notice/text.en.mustache", replacing: "{{#retained}}", with: "{{retained}}\n{{#retained}}")
        let catalog = try TemplateCatalog(directory: directory)
        let error = #expect(throws: TemplateError.self) { try catalog.render(TemplateFixtures.retention()) }
        #expect(error?.code == .listAsText)
        #expect(error?.variable == "retained")
        #expect(error?.file == "retention-notice/text.en.mustache")
    }

    @Test func variablesAreFoundInTheirSlots() throws {
        let file = try TemplateFile.compile("{{company}} {{extra}}", path: "t", part: .text, template: nil, locale: nil)
        var variables = TemplateVariables(globals: ["company": .text("global"), "extra": .text("x")])
        #expect(file.program.render(variables).output == "global x")
        variables[.company] = .text("slot")
        #expect(file.program.render(variables).output == "slot x")
    }
}
