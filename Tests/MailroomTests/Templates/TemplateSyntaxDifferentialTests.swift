import Foundation
import MailroomTesting
import Mustache
import Testing

@testable import Mailroom

/// A file the compiled program accepts is not parsed by swift-mustache at load time (see
/// `MustacheParse`), so that must never hide a syntax error: on broken and generated sources,
/// whatever the program's parser accepts swift-mustache accepts, and renders the same; loading
/// reports exactly what swift-mustache reports for the rest.
@Suite("Template program: syntax against swift-mustache")
struct TemplateSyntaxDifferentialTests {
    /// Broken and borderline templates: unclosed, mismatched and stray section tags, unfinished
    /// names and triple braces, comments that never end, delimiters, partials, parents, blocks,
    /// pragmas, transforms with bad brackets, an opening brace at the very end.
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

    /// The source as `TemplateFile.compile` gives it to both parsers, pragma line first.
    static func prefixed(_ source: String, _ part: TemplatePart) -> String {
        _ = ScalarHTMLEscaping.registered
        let type = part.isPlainText ? "TEXT" : ScalarHTMLEscaping.contentTypeName
        return "{{% CONTENT_TYPE: \(type)}}\n" + source
    }

    @Test func whatTheProgramAcceptsSwiftMustacheAcceptsAndRendersTheSame() throws {
        var accepted = 0
        var refusedByBoth = 0
        var mustacheOnly = 0
        for source in Self.sources {
            for part in [TemplatePart.text, .html] {
                let text = Self.prefixed(source, part)
                let mustache = try? MustacheTemplate(string: text)
                guard let program = TemplateProgram.compile(text) else {
                    if mustache == nil { refusedByBoth += 1 } else { mustacheOnly += 1 }
                    continue
                }
                let template = try #require(mustache, "swift-mustache refuses \(text.debugDescription)")
                accepted += 1
                for variant in 0..<3 {
                    let scope = StrictScope(values: TemplateProgramTests.values(variant), recorder: MissRecorder())
                    let slow = template.render(scope)
                    guard let fast = program.render([TemplateProgramTests.values(variant)]) else { continue }
                    #expect(fast.output == slow, "\(part) \(source.debugDescription) variant \(variant)")
                    #expect(fast.missing == scope.recorder.missing, "\(part) \(source.debugDescription)")
                }
            }
        }
        // Every kind of answer must be reached, or the generator tests nothing.
        #expect(accepted > 500 && refusedByBoth > 500 && mustacheOnly > 100, "\(accepted) \(refusedByBoth) \(mustacheOnly)")
    }

    /// Loading reports swift-mustache's own error, with the line and column in the author's file,
    /// for every source swift-mustache refuses (and only for those), as before the parse waited.
    @Test func loadingReportsExactlyWhatSwiftMustacheReports() throws {
        var refused = 0
        for source in Self.handWritten + Self.sources.suffix(1500) where !source.contains("\r") {
            guard ReferenceTagCheck.unsupportedTag(in: source) == nil else { continue }
            let text = Self.prefixed(source, .text)
            let expected: String?
            do {
                _ = try MustacheTemplate(string: text)
                expected = nil
            } catch let error as MustacheTemplate.ParserError {
                expected = "t:\(max(1, error.context.lineNumber - 1)):\(error.context.columnNumber): mustache syntax "
                    + "error \(error.error) in line \"\(error.context.line)\""
            }
            do {
                let file = try TemplateFile.compile(source, path: "t", part: .text, template: nil, locale: nil)
                #expect(expected == nil, "\(source.debugDescription) loaded")
                #expect(file.parse.isParsed == (file.program == nil))
            } catch {
                refused += 1
                #expect(error.code == .syntax)
                #expect(error.message == expected, "\(source.debugDescription)")
            }
        }
        #expect(refused > 100)
    }

    /// The parser's byte-level character classes against the `Set<Character>` and `Character`
    /// comparisons of swift-mustache they stand for.
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

    @Test func aDeferredParseThatFailsIsAProblemOfTheRenderNotACrash() {
        // Only reachable if the fast path ever accepted what swift-mustache refuses: build such a
        // file by hand (an unclosed section) to see the render report it instead of trapping.
        let file = TemplateFile(path: "broken/text.en.mustache", part: .text,
                                parse: MustacheParse(deferred: "{{#open}}never closed"), program: nil)
        let scope = StrictScope(values: TemplateProgramTests.values(0), recorder: MissRecorder())
        guard case .failure(let error) = file.render(scope) else {
            Issue.record("an unparsable deferred source rendered")
            return
        }
        #expect(error.code == .syntax)
        #expect(error.file == "broken/text.en.mustache")
        #expect(error.message.contains("swift-mustache cannot parse"))
    }

    @Test func aDeferredParseIsMadeWhenARenderNeedsIt() throws {
        let file = try TemplateFile.compile("{{list}}", path: "t", part: .text, template: nil, locale: nil)
        #expect(file.program != nil && !file.parse.isParsed)
        let scope = StrictScope(values: TemplateProgramTests.values(2), recorder: MissRecorder())
        #expect(file.program?.render([TemplateProgramTests.values(2)]) == nil)
        let rendered = try file.render(scope).get()
        #expect(file.parse.isParsed)
        #expect(rendered.output == (try MustacheTemplate(string: Self.prefixed("{{list}}", .text)).render(scope)))
    }
}
