import Foundation
import Mustache

/// The three parts of every email, each a file per locale: `subject.en.mustache` and so on.
enum TemplatePart: String, Sendable, CaseIterable {
    case subject, text, html

    /// Subject and text are plain text: swift-mustache must not HTML-escape them.
    var isPlainText: Bool { self != .html }
}

/// One compiled template file and where it came from, for error messages.
struct TemplateFile: Sendable {
    /// Path relative to the templates directory, e.g. `closure-confirmation/text.de.mustache`.
    let path: String
    let part: TemplatePart
    /// swift-mustache's parse of the file: made at load time when ``program`` is nil, else on
    /// first use (see ``MustacheParse``).
    let parse: MustacheParse
    /// The same source compiled for the fast path, or nil when it uses something only
    /// swift-mustache renders (see ``TemplateProgram``).
    let program: TemplateProgram?


    /// Reads and compiles one file. Called once per file per catalog, never per message.
    ///
    /// The catalog, not the author, decides escaping: plain-text parts get the TEXT pragma put in
    /// front, and any pragma, partial, parent or delimiter change in the file is refused, because
    /// each would change escaping or let a name go unchecked.
    static func load(
        _ url: URL, path: String, part: TemplatePart, template: String?, locale: String?
    ) throws(TemplateError) -> TemplateFile {
        let source = try read(url, path: path, template: template, locale: locale)
        return try compile(source, path: path, part: part, template: template, locale: locale)
    }

    /// Compiles a file's text (already read: no BOM, `\n` line breaks) for both renderers.
    static func compile(
        _ source: String, path: String, part: TemplatePart, template: String?, locale: String?
    ) throws(TemplateError) -> TemplateFile {
        if let tag = unsupportedTag(in: source) {
            throw TemplateError(
                code: .unsupportedTag,
                message: "\(path): the tag \(tag) is not supported in email templates",
                template: template, locale: locale, file: path)
        }
        var text = source
        if part == .subject {
            // Template-authored line breaks in a subject are layout, not content: fold them away.
            text = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .joined(separator: " ").trimmingCharacters(in: .whitespaces)
        }
        // A standalone pragma line is dropped by the parser, so the author's first line stays first.
        // HTML gets our per-scalar escaping rather than swift-mustache's per-Character one.
        let pragmaLines = 1
        if part.isPlainText {
            text = "{{% CONTENT_TYPE: TEXT}}\n" + text
        } else {
            _ = ScalarHTMLEscaping.registered
            text = "{{% CONTENT_TYPE: \(ScalarHTMLEscaping.contentTypeName)}}\n" + text
        }
        // A file the program compiles is one swift-mustache parses (the program's parser is a
        // port of its parser that refuses more, never less; the tests check this on broken files),
        // so its swift-mustache parse, a third of loading a catalog, waits until a render needs it.
        // Any other file is parsed now, and its syntax errors are reported as before.
        if let program = TemplateProgram.compile(text) {
            return TemplateFile(path: path, part: part, parse: MustacheParse(deferred: text), program: program)
        }
        do {
            let template = try MustacheTemplate(string: text)
            return TemplateFile(path: path, part: part, parse: MustacheParse(template), program: nil)
        } catch let error as MustacheTemplate.ParserError {
            let line = max(1, error.context.lineNumber - pragmaLines)
            throw TemplateError(
                code: .syntax,
                message: "\(path):\(line):\(error.context.columnNumber): mustache syntax error \(error.error) in "
                    + "line \"\(error.context.line)\"",
                template: template, locale: locale, file: path, underlying: error)
        } catch {
            throw TemplateError(
                code: .syntax, message: "\(path): mustache syntax error \(error)",
                template: template, locale: locale, file: path, underlying: error)
        }
    }

    private static func read(
        _ url: URL, path: String, template: String?, locale: String?
    ) throws(TemplateError) -> String {
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw TemplateError(
                code: .unreadable, message: "\(path): cannot read the template file", template: template,
                locale: locale, file: path, underlying: error)
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw TemplateError(
                code: .unreadable, message: "\(path): the template file is not valid UTF-8; save it as UTF-8",
                template: template, locale: locale, file: path)
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // Files edited on Windows must render the same; the MIME writer makes CRLF itself. Most
        // files have no CR at all, and Foundation's replacing (through NSString) was a fifth of
        // loading a catalog: look for the byte first.
        guard text.utf8.contains(UInt8(ascii: "\r")) else { return text }
        return text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
    }

    /// Transforms swift-mustache knows (for text, lists, numbers and the list position); any other
    /// name would make it render nothing, silently.
    static let knownTransforms: Set<String> = [
        "capitalized", "lowercased", "uppercased", "reversed", "empty", "first", "last", "count", "sorted",
        "index", "even", "odd", "equalzero", "plusone", "minusone",
    ]

    /// Why the source cannot be accepted, if it cannot: an unsupported tag (`{{>`, `{{<`, `{{=`,
    /// `{{%`), a dotted name (the variables are flat; a field inside a list section is named alone,
    /// and a dotted name that misses renders blank unchecked) or an unknown transform.
    static func unsupportedTag(in source: String) -> String? {
        unsupportedTag(in: source, search: TagSearch.bytesAreSafe(in: source) ? .bytes : .foundation)
    }

    /// ``unsupportedTag(in:)`` finding `{{` and `}}` with `search`; the tests compare the two ways.
    static func unsupportedTag(in source: String, search: TagSearch) -> String? {
        var rest = source[...]
        while let open = search.range(of: "{{", in: rest) {
            let end = search.range(of: "}}", in: rest[open.upperBound...])?.upperBound ?? rest.endIndex
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
                // Foundation's `contains` goes through NSString; on an ASCII name a byte answers the same.
                let isASCII = name.utf8.allSatisfy { $0 < 0x80 }
                if let variable = words.last, variable != ".",
                    isASCII
                        ? variable.utf8.dropFirst(variable.hasPrefix(".") ? 1 : 0).contains(UInt8(ascii: "."))
                        : variable.dropFirst(variable.hasPrefix(".") ? 1 : 0).contains(".")
                {
                    return "\(tag) (dotted names are not supported: the variables are flat, and inside a list "
                        + "section a field is named alone, e.g. {{category}})"
                }
                if isASCII ? name.utf8.contains(UInt8(ascii: "(")) : name.contains("("),
                    let unknown = words.dropLast(name.hasSuffix("()") ? 0 : 1)
                    .first(where: { !knownTransforms.contains(String($0)) })
                {
                    return "\(tag) (unknown transform \(unknown); known: \(knownTransforms.sorted().joined(separator: ", ")))"
                }
            }
            rest = rest[open.upperBound...]
        }
        return nil
    }

    /// How ``unsupportedTag(in:search:)`` finds a tag's braces.
    ///
    /// Foundation's `range(of:)` goes through NSString and compares canonically (a brace followed
    /// by a combining mark is not a brace to it); it was a quarter of compiling a file. The byte
    /// search finds the same ranges whenever every brace has ASCII (or no) neighbours, where the
    /// two readings cannot differ; any other file is searched by Foundation as before.
    enum TagSearch {
        case bytes, foundation

        /// True when no `{` or `}` byte touches a non-ASCII byte.
        static func bytesAreSafe(in source: String) -> Bool {
            let isBrace = { (byte: UInt8) in byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") }
            var previous: UInt8 = 0
            for byte in source.utf8 {
                if (isBrace(previous) && byte >= 0x80) || (isBrace(byte) && previous >= 0x80) { return false }
                previous = byte
            }
            return true
        }

        func range(of braces: String, in text: Substring) -> Range<String.Index>? {
            switch self {
            case .foundation: return text.range(of: braces)
            case .bytes:
                // Two bytes, `{{` or `}}`.
                let pattern = Array(braces.utf8)
                let (first, second) = (pattern[0], pattern[1])
                let utf8 = text.utf8
                var index = utf8.startIndex
                while let found = utf8[index...].firstIndex(of: first) {
                    let next = utf8.index(after: found)
                    guard next < utf8.endIndex else { return nil }
                    if utf8[next] == second { return found..<utf8.index(after: next) }
                    index = next
                }
                return nil
            }
        }
    }

    /// Renders with a fresh miss record and returns the text and the names that went wrong, or
    /// why swift-mustache could not parse the file (see ``MustacheParse/template``).
    func render(_ scope: StrictScope) -> Result<(output: String, missing: [String], absentRendered: [String]), TemplateError> {
        switch parse.template {
        case .success(let template):
            scope.recorder.reset()
            let output = template.render(scope)
            return .success((output, scope.recorder.missing, scope.recorder.absentRendered))
        case .failure(let error):
            return .failure(TemplateError(
                code: .syntax, message: "\(path): swift-mustache cannot parse this file, which the fast path compiled: \(error)",
                file: path, underlying: error))
        }
    }
}
