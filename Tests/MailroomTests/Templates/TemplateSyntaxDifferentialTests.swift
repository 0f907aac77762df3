import Foundation
import MailroomTesting
import Mustache
import Testing

@testable import Mailroom

/// The engine's parser on broken and generated sources: whatever it accepts swift-mustache
/// accepts and renders the same; what it refuses it names with the file, line and column.
@Suite("Template program: syntax against swift-mustache")
struct TemplateSyntaxDifferentialTests {
    /// Broken and borderline templates: unclosed, mismatched and stray section tags, unfinished
    /// names and triple braces, comments that never end, delimiters, partials, parents, blocks,
    /// pragmas, functions with bad brackets, an opening brace at the very end.
    static let handWritten = [
        "{{#a}}x", "{{#a}}x{{/b}}", "x{{/a}}", "{{#a}}{{#b}}{{/a}}{{/b}}", "{{^a}}x", "{{^a}}x{{/ b }}",
        "{{#first()}}x{{/first}}", "{{#first()}}x{{/first()}}", "{{#a}}{{/a}}{{/a}}", "{{a", "{{a}", "{{a}}}",
        "{{{a}}", "{{{a}", "{{{a}}}}", "{{&a}", "{{& a }}", "{{!", "{{! x }", "{{! x } }}", "{{!}}", "{{=<% %>=}}",
        "{{= | | =}}", "{{=}}", "{{>x}}", "{{> x}}", "{{<x}}{{/x}}", "{{$x}}{{/x}}", "{{%CONTENT_TYPE:TEXT}}",
        "{{a b}}", "{{ }}", "{{}}", "{{#}}{{/}}", "{{a(}}", "{{a)}}", "{{first(a))}}", "{{first(a)}}",
        "{{first()}}", "{{index(first())}}", "{{(a)}}", "{{a.b}}", "{{.}}", "{{#a}}{{.}}{{/a}}", "text{", "{",
        "{{", "}}", "a}}b", "{{#a}}\n{{/a}}\n{{#a}}", "{{#a}}\u{301}{{/a}}", "{{\u{301}a}}", "{{a\u{301}}}",
        "{{#a\u{301}}}{{/a}}", "{{a}}\u{301}}", "\u{600}{{a}}", "{{#a}}\r\n{{/a}}", "{{#a}}{{/a}}\u{2028}{{#b}}",
        "{{!a}}}", "{{{a}}\n}", "{{#a}}{{^a}}{{/a}}{{/a}}", "{{/first()}}", "{{^index()}}{{/index()}}",
        "{{uppercased(a)}}", "{{#list}}{{count()}}{{/list}}", "{{.a}}",
    ]

    /// Fragments whose combinations make well-formed and broken tags.
    static let fragments = [
        "{{", "}}", "{", "}", "{{{", "}}}", "#", "^", "/", "!", "&", ">", "=", "%", "$", "<", "a", "b", " ", "\n",
        "\t", ".", "first()", "index()", "upper(", "(", ")", "{{#a}}", "{{/a}}", "{{^b}}", "{{/b}}", "{{a}}",
        "{{{a}}}", "{{&b}}", "{{!c}}", "{{#first()}}", "{{/first()}}", "\u{301}", "é", "\r\n", "\u{2028}",
        "{{.}}", "{{a.b}}", "{{uppercased(a)}}", "{{>p}}", "{{=<% %>=}}",
    ]

    static var sources: [String] {
        var generator = SeededGenerator(seed: 11)
        var result = handWritten
        for _ in 0..<6000 {
            let count = Int.random(in: 1...10, using: &generator)
            result.append((0..<count).map { _ in fragments.randomElement(using: &generator) ?? "" }.joined())
        }
        return result
    }

    /// Where swift-mustache reads otherwise, by design of Mailroom's language: a tag opened at the
    /// end of a line (the engine reads the name on the next line, swift-mustache drops the braces)
    /// and a lone `{` at the very end (text to the engine, a read past the end to swift-mustache).
    static func readsDifferently(_ source: String) -> Bool {
        source.hasSuffix("{")
            || source.contains("{{\n") || source.contains("{{\r\n") || source.contains("{{\u{2028}")
            || source.contains("{{{\n") || source.contains("{{{\r\n") || source.contains("{{{\u{2028}")
    }

    @Test func whatTheEngineAcceptsSwiftMustacheAcceptsAndRendersTheSame() throws {
        var accepted = 0
        var refused = 0
        for source in Self.sources where !Self.readsDifferently(source) {
            for escaping in [TemplateProgram.Escaping.none, .html] {
                guard let program = try? TemplateProgram(parsing: source, escaping: escaping) else {
                    refused += 1
                    continue
                }
                let template: MustacheTemplate
                do {
                    template = try MustacheOracle.template(source, escaping: escaping)
                } catch {
                    Issue.record("swift-mustache refuses \(source.debugDescription): \(error)")
                    continue
                }
                accepted += 1
                for variant in 0..<3 {
                    let scopes = [TemplateProgramTests.values(variant)]
                    let rendered = program.render(TemplateVariables(behind: scopes))
                    guard rendered.listsRendered.isEmpty else { continue }
                    #expect(rendered == MustacheOracle.render(template, scopes: scopes), "\(source.debugDescription) variant \(variant)")
                }
            }
        }
        // Both answers must be reached, or the generator tests nothing.
        #expect(accepted > 500 && refused > 500, "\(accepted) \(refused)")
    }

    @Test(arguments: [
        ("Hello\n\n{{#name}}unclosed\n", TemplateError.Code.syntax, "3:1: {{#name}} is never closed; add {{/name}}"),
        ("a\n  b {{/name}}", .syntax, "2:5: {{/name}} closes no section"),
        ("{{#a}}\n{{#b}}{{/a}}", .syntax, "2:7: {{/a}} does not close {{#b}}; close that one first"),
        ("x {{! never", .syntax, "1:3: the comment is never closed with }}"),
        ("{{{name}}", .syntax, "1:1: {{{name}} opens with three braces and must close with three"),
        ("x\n{{a b}}", .syntax, "2:1: {{a b}}: a tag holds one name (letters, digits, _ - ?) and ends with }}"),
        ("end {{", .syntax, "1:5: {{: a tag holds one name (letters, digits, _ - ?) and ends with }}"),
        ("{{}}", .syntax, "1:1: {{}}: the tag names nothing"),
        ("{{first(a))}}", .syntax, "1:1: {{first(a))}}: unbalanced brackets"),
        ("\n\n  {{> footer}}", .unsupportedTag, "3:3: {{> footer}}: partials are not supported"),
        ("{{=<% %>=}}", .unsupportedTag, "1:1: {{=<% %>=}}: delimiter changes are not supported"),
        ("{{% CONTENT_TYPE: HTML}}", .unsupportedTag, "1:1: {{% CONTENT_TYPE: HTML}}: pragmas are not supported"),
        ("x {{retained.category}}", .unsupportedTag, "1:3: {{retained.category}}: dotted names are not supported"),
        ("{{#list}}{{.}}{{/list}}", .unsupportedTag, "1:10: {{.}}: dotted names are not supported"),
        ("Dear {{uppercased(name)}}", .unsupportedTag, "1:6: {{uppercased(name)}}: functions are not supported"),
    ])
    func refusalsNameTheLineAndColumn(source: String, code: TemplateError.Code, message: String) {
        let error = #expect(throws: TemplateError.self) {
            try TemplateFile.compile(source, path: "t/text.en.mustache", part: .text, template: "t", locale: "en")
        }
        #expect(error?.code == code)
        #expect(error?.file == "t/text.en.mustache")
        #expect(error?.message.hasPrefix("t/text.en.mustache:" + message) == true, "\(error?.message ?? "-")")
    }

    @Test func aSubjectsErrorIsOnTheAuthorsLine() {
        let error = #expect(throws: TemplateError.self) {
            try TemplateFile.compile("Your account\n  will be {{#closed}}\n", path: "s", part: .subject, template: nil, locale: nil)
        }
        #expect(error?.message.hasPrefix("s:2:11: {{#closed}} is never closed") == true, "\(error?.message ?? "-")")
    }

    /// The parser's byte-level character classes against the `Set<Character>` and `Character`
    /// comparisons they stand for.
    @Test func characterClassesMatchCharacterComparisons() {
        let withBrackets = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?()*")
        let withoutBrackets = Set<Character>("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-_?*")
        let odd: [String] = [
            "\r\n", "\u{212A}", "\u{212B}", "\u{2126}", "K\u{301}", "{\u{301}", " \u{301}", "\u{600}{", "\u{600}a",
            "(\u{301}", "\u{FF08}", "\u{207D}", "e\u{301}", "\u{2028}", "\u{85}", "\r", "\u{1F600}",
        ]
        let oddCharacters = odd.compactMap { $0.count == 1 ? $0.first : nil }
        #expect(oddCharacters.count == odd.count)
        let characters = (0..<0x250).compactMap(Unicode.Scalar.init).map(Character.init) + oddCharacters
        var kelvin = false
        for character in characters {
            let text = character.debugDescription
            #expect(TemplateProgram.nameCharacters(character) == withBrackets.contains(character), "\(text)")
            #expect(TemplateProgram.nameCharactersWithoutBrackets(character) == withoutBrackets.contains(character), "\(text)")
            #expect(
                TemplateProgram.isPlainText(character) == (character != "\n" && character != "\r\n" && character != "{"),
                "\(text)")
            #expect(TemplateProgram.isSpaceOrTab(character) == (character == " " || character == "\t"), "\(text)")
            kelvin = kelvin || (character.utf8.count > 1 && TemplateProgram.nameCharacters(character))
        }
        // The set answers for a character canonically equal to a name character.
        #expect(kelvin)
    }
}
