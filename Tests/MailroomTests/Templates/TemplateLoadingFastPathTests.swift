import Foundation
import MailroomTesting
import Testing

@testable import Mailroom

/// The start-up shortcuts in loading a template file against the code they replace: the byte
/// search for a tag's braces and in ASCII names, and skipping Foundation's line-break replacing in a
/// file without CR.
@Suite("Template loading fast paths: tag search and line breaks")
struct TemplateLoadingFastPathTests {
    /// Pieces of tags and text: braces that are and are not tags, sigils, dotted names,
    /// transforms, comments, and non-ASCII text next to braces (combining marks, a prepended
    /// U+0600, CR LF) where Foundation's canonical search reads differently from bytes.
    static let pieces = [
        "{{", "}}", "{", "}", "{{{", "}}}", "a", "a.b", ".x", ".", " ", "\t", "#", "^", "/", "&", ">", "<", "=", "%",
        "!", "upper(", "uppercased(", "first()", "count(", ")", "(", "index()", "\u{301}", "ö", "\u{600}", "日本", "\r\n",
        "\n", "x_y-z?*", "{{a.b}}", "{{#first()}}", "é", "a\u{301}.b", "\u{D4E}(", "(\u{301}", "٣",
    ]

    /// Every string of up to three pieces, plus longer ones from a fixed shuffle.
    static var inputs: [String] {
        var result = [""]
        for a in pieces {
            for b in pieces {
                result.append(a + b)
                for c in pieces.prefix(12) { result.append(a + b + c) }
            }
        }
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<4000 {
            let count = Int.random(in: 4...24, using: &generator)
            result.append((0..<count).map { _ in pieces.randomElement(using: &generator) ?? "" }.joined())
        }
        return result
    }

    @Test func tagSearchByBytesMatchesFoundation() {
        var bytes = 0
        var refused = 0
        for input in Self.inputs {
            let expected = ReferenceTagCheck.unsupportedTag(in: input)
            #expect(TemplateFile.unsupportedTag(in: input) == expected, "\(input.debugDescription)")
            #expect(TemplateFile.unsupportedTag(in: input, search: .foundation) == expected, "\(input.debugDescription)")
            if TemplateFile.TagSearch.bytesAreSafe(in: input) {
                bytes += 1
                #expect(TemplateFile.unsupportedTag(in: input, search: .bytes) == expected, "\(input.debugDescription)")
            }
            refused += expected == nil ? 0 : 1
        }
        // Both searches, and both answers, must be reached.
        #expect(bytes > 1000 && bytes < Self.inputs.count)
        #expect(refused > 1000 && refused < Self.inputs.count)
    }

    @Test(arguments: ["{{\u{301}a.b}}", "x\u{600}{{a.b}}", "{{a.b}\u{301}}", "{{>\u{301}}}", "ö{{#x}}"])
    func nonASCIINextToABraceGoesToFoundation(source: String) {
        #expect(!TemplateFile.TagSearch.bytesAreSafe(in: source))
        #expect(TemplateFile.unsupportedTag(in: source) == ReferenceTagCheck.unsupportedTag(in: source))
    }

    @Test func shippedTemplatesAreSearchedByBytes() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: TemplateFixtures.shippedTemplates.path)
            .filter { $0.hasSuffix(".mustache") }
        #expect(files.count == 22)
        for file in files {
            let source = try String(contentsOf: TemplateFixtures.shippedTemplates.appending(path: file), encoding: .utf8)
            #expect(TemplateFile.TagSearch.bytesAreSafe(in: source), "\(file)")
        }
    }

    /// A file saved on Windows (BOM, CRLF) or with lone CRs renders exactly as the original.
    @Test func windowsLineBreaksAndABOMRenderTheSame() throws {
        let directory = try TemplateFixtures.copyOfShippedTemplates()
        defer { TemplateFixtures.remove(directory) }
        let original = try TemplateCatalog(directory: directory)
        for (file, lineBreak) in [("closure-confirmation/text.en.mustache", "\r\n"), ("layouts/layout.html.en.mustache", "\r")] {
            let url = directory.appending(path: file)
            let text = try String(contentsOf: url, encoding: .utf8)
            #expect(text.contains("\n") && !text.contains("\r"))
            try Data(("\u{FEFF}" + text.replacingOccurrences(of: "\n", with: lineBreak)).utf8).write(to: url)
        }
        let edited = try TemplateCatalog(directory: directory)
        for locale in ["en", "de"] {
            let event = TemplateFixtures.closure(locale: locale)
            #expect(try edited.render(event) == original.render(event))
        }
    }
}

/// `TemplateFile.unsupportedTag(in:)` as it was before the byte search: Foundation's
/// `range(of:)` for every brace.
enum ReferenceTagCheck {
    static func unsupportedTag(in source: String) -> String? {
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            let end = rest[open.upperBound...].range(of: "}}")?.upperBound ?? rest.endIndex
            let tag = String(rest[open.lowerBound..<end].prefix(60))
            var body = rest[open.upperBound...].drop { $0 == " " || $0 == "\t" }
            if let sigil = body.first, "><=%".contains(sigil) {
                return "\(tag) (no partials, parents, pragmas or delimiter changes; the catalog sets escaping "
                    + "itself and layouts wrap the body through {{{body}}})"
            }
            if let sigil = body.first, "#^/&{".contains(sigil) {
                body = body.dropFirst().drop { $0 == " " || $0 == "\t" }
            }
            if body.first != "!" {
                let name = body.prefix { $0.isLetter || $0.isNumber || "._-?*()".contains($0) }
                let words = name.split(whereSeparator: { $0 == "(" || $0 == ")" })
                if let variable = words.last, variable != ".",
                    variable.dropFirst(variable.hasPrefix(".") ? 1 : 0).contains(".")
                {
                    return "\(tag) (dotted names are not supported: the variables are flat, and inside a list "
                        + "section a field is named alone, e.g. {{category}})"
                }
                if name.contains("("), let unknown = words.dropLast(name.hasSuffix("()") ? 0 : 1)
                    .first(where: { !TemplateFile.knownTransforms.contains(String($0)) })
                {
                    let known = TemplateFile.knownTransforms.sorted().joined(separator: ", ")
                    return "\(tag) (unknown transform \(unknown); known: \(known))"
                }
            }
            rest = rest[open.upperBound...]
        }
        return nil
    }
}
