import Foundation

/// A readable plain-text rendering of an HTML email for the terminal, with its links listed.
///
/// Not a browser: enough for the HTML our templates produce (blocks, lists, tables, links, images,
/// emphasis, entities). Links become `text [n]` with `[n] url` listed at the end, as mutt and lynx
/// show them. Emphasis is bold or underlined with colour, `*strong*` and `_em_` without.
/// Lines are not wrapped here: ``TextWrap`` does that for the terminal's width.
struct HTMLText: Sendable, Equatable {
    enum Style: Sendable {
        /// `*strong*`, `_em_`: for a pipe, a file or `NO_COLOR`.
        case plain
        /// ANSI bold and underline: for a colour terminal.
        case ansi
    }

    struct Link: Sendable, Equatable {
        var href: String
        var text: String
    }

    struct Image: Sendable, Equatable {
        var source: String
        /// nil when the `alt` attribute is missing; empty for a decorative image (`alt=""`).
        var alt: String?
    }

    var text: String
    var links: [Link]
    var images: [Image]

    init(html: String, style: Style = .plain) {
        var renderer = Renderer(style: style)
        renderer.run(Array(html.unicodeScalars))
        text = renderer.finish()
        links = renderer.links
        images = renderer.images
    }

    /// The text followed by the numbered link list.
    var withLinkList: String {
        guard !links.isEmpty else { return text }
        let list = links.enumerated().map { "[\($0.offset + 1)] \($0.element.href)" }.joined(separator: "\n")
        return text + "\n\nLinks:\n" + list
    }

    private struct Renderer {
        let style: Style
        var output = ""
        var links: [Link] = []
        var images: [Image] = []
        var pendingSpace = false
        var skipDepth = 0
        /// Per open `<a>`: its link number (nil for an anchor without href) and where its text starts.
        var openLinks: [(number: Int?, start: Int)] = []
        /// Per open list: nil for `<ul>`, the next number for `<ol>`.
        var lists: [Int?] = []

        init(style: Style) { self.style = style }

        static let blocks: Set<String> = ["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "ul", "ol",
                                          "header", "footer", "section", "article", "blockquote", "hr", "title", "pre"]
        static let skipped: Set<String> = ["style", "script", "head"]

        mutating func run(_ s: [Unicode.Scalar]) {
            var i = 0
            while i < s.count {
                if s[i] == "<" {
                    var j = i + 1
                    var quote: Unicode.Scalar?
                    // A `>` inside a quoted attribute value does not end the tag.
                    while j < s.count {
                        if let open = quote {
                            if s[j] == open { quote = nil }
                        } else if s[j] == "\"" || s[j] == "'" {
                            quote = s[j]
                        } else if s[j] == ">" {
                            break
                        }
                        j += 1
                    }
                    tag(String(String.UnicodeScalarView(s[(i + 1)..<min(j, s.count)])))
                    i = j + 1
                } else if s[i] == "&" {
                    var j = i + 1
                    while j < s.count && j - i < 34 && s[j] != ";" && s[j] != "<" && s[j] != "&" && !s[j].properties.isWhitespace { j += 1 }
                    if j < s.count && s[j] == ";", let decoded = Self.reference(String(String.UnicodeScalarView(s[(i + 1)..<j]))) {
                        emit(String(decoded))
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

        /// Markup that takes no room and does not consume a pending space.
        mutating func mark(_ piece: String) {
            guard skipDepth == 0 else { return }
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

        mutating func emphasis(_ name: String, closing: Bool) {
            let strong = name == "strong" || name == "b" || name.first == "h"
            switch style {
            case .ansi:
                // An opening sequence goes after a pending space, a closing one before it.
                if closing { mark(strong ? "\u{1B}[22m" : "\u{1B}[24m") } else { emit(strong ? "\u{1B}[1m" : "\u{1B}[4m") }
            case .plain:
                guard name.first != "h" else { return }
                let marker = strong ? "*" : "_"
                if closing { mark(marker) } else { emit(marker) }
            }
        }

        mutating func tag(_ raw: String) {
            if raw.hasPrefix("!") || raw.hasPrefix("?") { return }
            let closing = raw.hasPrefix("/")
            let body = closing ? String(raw.dropFirst()) : raw
            let name = String(body.prefix(while: { !$0.isWhitespace && $0 != "/" && $0 != ">" })).lowercased()
            if Self.skipped.contains(name) {
                skipDepth = max(0, skipDepth + (closing ? -1 : 1))
                return
            }
            let attributes = closing ? [:] : Self.attributes(of: body.dropFirst(name.count))
            switch name {
            case "br": newline(1)
            case "ul", "ol":
                newline(lists.isEmpty ? 2 : 1)
                if closing {
                    _ = lists.popLast()
                } else {
                    lists.append(name == "ol" ? Int(attributes["start"] ?? "") ?? 1 : nil)
                }
            case "li":
                guard !closing else { return }
                newline(1)
                let indent = String(repeating: "  ", count: max(0, lists.count - 1))
                if let number = lists.last ?? nil {
                    lists[lists.count - 1] = number + 1
                    emit("\(indent)\(number). ")
                } else {
                    emit("\(indent)- ")
                }
            case "td", "th": if !closing { pendingSpace = true }
            case "strong", "b", "em", "i", "u":
                emphasis(name, closing: closing)
            case "img":
                let alt = attributes["alt"]
                images.append(Image(source: attributes["src"] ?? "", alt: alt))
                if let alt, !alt.isEmpty { emit("[image: \(alt)]") } else if alt == nil { emit("[image]") }
            case "a":
                if closing {
                    guard let open = openLinks.popLast() else { return }
                    if let number = open.number {
                        let start = min(open.start, output.utf8.count)
                        links[number - 1].text = String(decoding: output.utf8.dropFirst(start), as: UTF8.self)
                            .trimmingCharacters(in: .whitespaces)
                        mark(" [\(number)]")
                    }
                } else if let href = attributes["href"], !href.hasPrefix("#") {
                    links.append(Link(href: href, text: ""))
                    openLinks.append((links.count, output.utf8.count))
                } else {
                    openLinks.append((nil, output.utf8.count))
                }
            default:
                if name.count == 2, name.first == "h", name.last?.isNumber == true {
                    newline(2)
                    emphasis(name, closing: closing)
                    if closing { newline(2) }
                } else if Self.blocks.contains(name) {
                    newline(name == "tr" || name == "title" ? 1 : 2)
                }
            }
        }

        mutating func finish() -> String {
            var text = output
            while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
            return text
        }

        /// A tag's attributes by lower-cased name, values with their character references decoded.
        static func attributes(of text: some StringProtocol) -> [String: String] {
            var result: [String: String] = [:]
            let s = Array(text)
            var i = 0
            while i < s.count {
                while i < s.count && (s[i].isWhitespace || s[i] == "/") { i += 1 }
                var name = ""
                while i < s.count && !s[i].isWhitespace && s[i] != "=" && s[i] != "/" { name.append(s[i]); i += 1 }
                while i < s.count && s[i].isWhitespace { i += 1 }
                var value = ""
                if i < s.count && s[i] == "=" {
                    i += 1
                    while i < s.count && s[i].isWhitespace { i += 1 }
                    if i < s.count && (s[i] == "\"" || s[i] == "'") {
                        let quote = s[i]
                        i += 1
                        while i < s.count && s[i] != quote { value.append(s[i]); i += 1 }
                        i += 1
                    } else {
                        while i < s.count && !s[i].isWhitespace { value.append(s[i]); i += 1 }
                    }
                }
                if !name.isEmpty && result[name.lowercased()] == nil { result[name.lowercased()] = decodeReferences(value) }
            }
            return result
        }

        static func decodeReferences(_ s: String) -> String {
            guard s.contains("&") else { return s }
            var renderer = Renderer(style: .plain)
            renderer.run(Array(s.unicodeScalars))
            return renderer.output
        }

        /// A named (`bdquo`) or numeric (`#8222`, `#x201E`) character reference.
        static func reference(_ name: String) -> Unicode.Scalar? {
            guard name.hasPrefix("#") else { return HTMLEntities.scalar(named: name) }
            let digits = name.dropFirst()
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            guard let value else { return nil }
            // As browsers do: NUL, surrogates and values beyond Unicode become U+FFFD.
            return Unicode.Scalar(value).flatMap { $0 == "\0" ? nil : $0 } ?? "\u{FFFD}"
        }
    }
}
