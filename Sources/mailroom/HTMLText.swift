import Foundation

/// A readable plain-text rendering of an HTML email for the terminal, with its links listed.
///
/// Not a browser: enough for the HTML our templates produce (blocks, lists, tables, links,
/// entities). Links become `text [n]` with `[n] url` listed at the end, as mutt and lynx show them.
struct HTMLText: Sendable, Equatable {
    var text: String
    var links: [String]

    init(html: String) {
        var renderer = Renderer()
        renderer.run(Array(html.unicodeScalars))
        text = renderer.finish()
        links = renderer.links
    }

    /// The text followed by the numbered link list.
    var withLinkList: String {
        guard !links.isEmpty else { return text }
        let list = links.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n")
        return text + "\n\nLinks:\n" + list
    }

    private struct Renderer {
        var output = ""
        var links: [String] = []
        var pendingSpace = false
        var skipDepth = 0
        var openLinks: [Int?] = []

        static let blocks: Set<String> = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "ul", "ol",
                                          "header", "footer", "section", "article", "blockquote", "hr", "title"]
        static let skipped: Set<String> = ["style", "script", "head"]

        mutating func run(_ s: [Unicode.Scalar]) {
            var i = 0
            while i < s.count {
                if s[i] == "<" {
                    var j = i + 1
                    while j < s.count && s[j] != ">" { j += 1 }
                    tag(String(String.UnicodeScalarView(s[(i + 1)..<min(j, s.count)])))
                    i = j + 1
                } else if s[i] == "&" {
                    var j = i + 1
                    while j < s.count && j - i < 12 && s[j] != ";" && s[j] != "<" && s[j] != " " { j += 1 }
                    if j < s.count && s[j] == ";", let decoded = Self.entity(String(String.UnicodeScalarView(s[(i + 1)..<j]))) {
                        emit(decoded)
                        i = j + 1
                    } else {
                        emit("&")
                        i += 1
                    }
                } else {
                    if s[i].properties.isWhitespace && s[i] != "\u{00A0}" {
                        pendingSpace = true
                    } else {
                        emit(String(s[i]))
                    }
                    i += 1
                }
            }
        }

        mutating func emit(_ piece: String) {
            guard skipDepth == 0 else { return }
            if pendingSpace && !output.isEmpty && !output.hasSuffix("\n") && !output.hasSuffix(" ") { output += " " }
            pendingSpace = false
            output += piece
        }

        mutating func newline(_ count: Int) {
            guard skipDepth == 0 else { return }
            pendingSpace = false
            while output.hasSuffix(" ") { output.removeLast() }
            let existing = output.reversed().prefix(while: { $0 == "\n" }).count
            if output.isEmpty { return }
            output += String(repeating: "\n", count: max(0, count - existing))
        }

        mutating func tag(_ raw: String) {
            if raw.hasPrefix("!") || raw.hasPrefix("?") { return }
            let closing = raw.hasPrefix("/")
            let body = closing ? raw.dropFirst() : Substring(raw)
            let name = String(body.prefix(while: { !$0.isWhitespace && $0 != "/" && $0 != ">" })).lowercased()
            if Self.skipped.contains(name) {
                skipDepth = max(0, skipDepth + (closing ? -1 : 1))
                return
            }
            switch name {
            case "br": newline(1)
            case "li": if !closing { newline(1); emit("- ") }
            case "td", "th": if !closing { pendingSpace = true }
            case "a":
                if closing {
                    if let index = openLinks.popLast(), let index { emit(" [\(index)]") }
                } else if let href = Self.attribute("href", in: String(body)), !href.hasPrefix("#") {
                    links.append(href)
                    openLinks.append(links.count)
                } else {
                    openLinks.append(nil)
                }
            default:
                if Self.blocks.contains(name) { newline(name == "tr" || name == "title" ? 1 : 2) }
            }
        }

        mutating func finish() -> String {
            var text = output
            while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
            return text
        }

        static func attribute(_ name: String, in tag: String) -> String? {
            guard let range = tag.range(of: name + "=", options: .caseInsensitive) else { return nil }
            var rest = tag[range.upperBound...]
            let quote = rest.first
            if quote == "\"" || quote == "'" {
                rest = rest.dropFirst()
                return decodeEntities(String(rest.prefix(while: { $0 != quote })))
            }
            return decodeEntities(String(rest.prefix(while: { !$0.isWhitespace && $0 != ">" })))
        }

        static func decodeEntities(_ s: String) -> String {
            var renderer = Renderer()
            renderer.run(Array(s.unicodeScalars))
            return renderer.output
        }

        static func entity(_ name: String) -> String? {
            switch name {
            case "amp": return "&"
            case "lt": return "<"
            case "gt": return ">"
            case "quot": return "\""
            case "apos": return "'"
            case "nbsp": return "\u{00A0}"
            case "euro": return "€"
            case "copy": return "©"
            case "mdash": return "—"
            case "ndash": return "–"
            default:
                guard name.hasPrefix("#") else { return nil }
                let digits = name.dropFirst()
                let value = digits.first == "x" || digits.first == "X"
                    ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
                return value.flatMap(Unicode.Scalar.init).map { String($0) }
            }
        }
    }
}
