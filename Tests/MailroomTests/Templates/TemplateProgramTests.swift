import Foundation
import Testing

@testable import Mailroom

/// Small hand-written templates rendered by swift-mustache and by the compiled program: the
/// output and the recorded names must be identical, whitespace included.
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
        // Nested and inverted sections, over text, flags, lists, absent and missing names.
        "{{#a}}{{#flag}}{{b}}[{{c}}]{{/flag}}{{^off}}off{{/off}}{{/a}}",
        "{{^empty}}none{{/empty}}{{^list}}never{{/list}}{{#empty}}never{{/empty}}",
        "{{#c}}never {{c}}{{/c}}{{^c}}no c{{/c}}; {{c}} {{nope}} {{c}} {{nope}} {{other}}",
        "{{#b}}empty text is truthy{{/b}}{{^b}}never{{/b}}",
        "{{#nested}}{{#inner}}{{item}}-{{a}}-{{index()}};{{/inner}}|{{/nested}}",
        // List positions, inside and outside lists, and inside sections that keep or drop them.
        "{{#list}}{{index()}}{{#first()}}F{{/first()}}{{^last()}},{{/last()}}{{#even()}}e{{/even()}}{{#odd()}}o{{/odd()}}{{/list}}",
        "{{index()}}{{first()}}{{#first()}}never{{/first()}}{{^first()}}outside{{/first()}}{{#index()}}x{{/index()}}",
        "{{#list}}{{first()}}{{last()}}{{even()}}{{odd()}}{{{index()}}}{{/list}}",
        "{{#list}}{{#item}}[{{index()}}{{first()}}]{{/item}}{{#flag}}<{{index()}}>{{/flag}}{{/list}}",
        "{{#list}}{{#index()}}#{{index()}}{{/index()}}{{^index()}}never{{/index()}}{{/list}}",
        "{{#one}}{{#first()}}{{#last()}}only{{/last()}}{{/first()}}{{/one}}",
        "{{#list}}{{^missing_one}}{{index()}}{{/missing_one}}{{/list}}",
        // Comments, escaping forms, white space inside tags, tags at the very start and end.
        "a {{! c }} b\n  {{! standalone }}  \nc {{! a } b }}d",
        "{{a}}",
        "{{#a}}x{{/a}}",
        "{{{a}}}|{{&a}}|{{a}}|{{ a }}|{{# a }}s{{/ a }}|{{{ a }}}",
        "{{flag}} {{off}}",
        // Parser corners: an opening brace that is no tag, braces before a newline, a
        // prepended mark that swallows the brace, a line separator after a standalone tag.
        "{x} {{a}} {y", "a{\n{{a}}",
        "{{\na}}",
        "\u{600}{{a}}",
        "{{#a}}\u{2028}x{{/a}}",
        "{{#a}} \u{2028}{{/a}}y",
        "no tags at all",
        "",
    ]

    static func values(_ variant: Int) -> [String: TemplateValue] {
        let texts = ["A", "<b>&\"'</b>", "\u{600}<i>", "line\nbreak", "Zoë", ""]
        func element(_ index: Int) -> [String: TemplateValue] {
            ["item": .text("\(texts[(index + variant) % texts.count])\(index)"), "flag": .flag(index != 1)]
        }
        let count = [0, 1, 3][variant % 3]
        return [
            "a": .text(texts[variant % texts.count]), "b": .text(""), "c": .absent,
            "flag": .flag(variant % 2 == 0), "off": .flag(false),
            "list": .list((0..<count).map(element)), "empty": .list([]), "one": .list([element(0)]),
            "nested": .list([["inner": .list((0..<2).map(element))], ["inner": .list([])]]),
        ]
    }

    @Test(arguments: sources)
    func sameAsMustache(source: String) throws {
        for part in [TemplatePart.text, .html] {
            let file = try TemplateFile.compile(source, path: "t", part: part, template: nil, locale: nil)
            let program = try #require(file.program, "\(source.debugDescription) should compile")
            for variant in 0..<6 {
                for scopes in [[Self.values(variant)], [Self.values(variant), ["a": .text("layout"), "x": .absent]]] {
                    var root = StrictScope(values: scopes[0], recorder: MissRecorder())
                    for extra in scopes.dropFirst() { root = root.adding(extra) }
                    let slow = try file.render(root).get()
                    let fast = try #require(program.render(scopes))
                    #expect(fast.output == slow.output, "\(part) \(source.debugDescription) variant \(variant)")
                    #expect(fast.missing == slow.missing, "\(part) \(source.debugDescription) variant \(variant)")
                    #expect(fast.absentRendered == slow.absentRendered, "\(part) \(source.debugDescription)")
                }
            }
        }
    }

    @Test(arguments: [
        "{{uppercased(a)}}", "{{#list}}{{.}}{{/list}}", "{{count(list)}}", "{{#list}}{{count()}}{{/list}}",
        "{{#a}}{{.}}{{/a}}",
    ])
    func otherTagsStayWithMustache(source: String) throws {
        let file = try TemplateFile.compile(source, path: "t", part: .text, template: nil, locale: nil)
        #expect(file.program == nil)
    }

    @Test func aListRenderedAsTextFallsBackAtRenderTime() throws {
        let file = try TemplateFile.compile("{{list}}", path: "t", part: .text, template: nil, locale: nil)
        let program = try #require(file.program)
        #expect(program.render([Self.values(2)]) == nil)
        #expect(program.render([["list": .text("plain")]])?.output == "plain")
    }

    @Test func aTemplateWithATransformStillRendersThroughTheCatalog() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        try TemplateFixtures.edit(
            directory, "closure-confirmation/text.en.mustache", replacing: "Dear {{name}},",
            with: "Dear {{uppercased(name)}},")
        let catalog = try TemplateCatalog(directory: directory)
        let event = TemplateFixtures.closure()
        let email = try catalog.render(event)
        #expect(email.text.hasPrefix("Dear ADA LOVELACE,\n"))
        #expect(try catalog.renderCollecting(event, engine: .mustache).email == email)
    }

    @Test func everyShippedFileCompiles() throws {
        let catalog = try TemplateCatalog(directory: TemplateFixtures.shippedTemplates)
        for (name, byLocale) in catalog.templates {
            for (locale, localized) in byLocale {
                for file in [localized.subject, localized.text, localized.html, localized.textLayout, localized.htmlLayout] {
                    #expect(file.program != nil, "\(name) \(locale) \(file.path) is not on the fast path")
                }
            }
        }
    }
}
