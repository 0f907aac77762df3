extension TemplateProgram {
    /// Compiles the source exactly as it is given to `MustacheTemplate(string:)` (pragma line
    /// included), or returns nil if it uses anything the program does not render, in which case
    /// the file stays on the swift-mustache path.
    ///
    /// The parser is a port of swift-mustache 2.1.1's `MustacheTemplate.parse` (its reading by
    /// `Character`, its standalone-line rule and its quirks), reduced to the tags listed on
    /// ``TemplateProgram``. It refuses every source swift-mustache refuses (it ports each of that
    /// parser's checks and adds its own), so a file it compiles needs no swift-mustache parse to
    /// be known valid; `TemplateSyntaxDifferentialTests` checks this on broken sources.
    static func compile(_ source: String) -> TemplateProgram? {
        var reader = Reader(source)
        var escaping: Escaping?
        guard let nodes = try? parse(&reader, section: nil, newLine: true, escaping: &escaping), let escaping
        else { return nil }
        let merged = merge(nodes)
        return TemplateProgram(nodes: merged, escaping: escaping, literalLength: literalLength(merged))
    }

    struct SectionTag {
        var name: String
        var transforms: [String]
    }

    /// swift-mustache's `Parser`: a position in the source read by `Character`.
    private struct Reader {
        let buffer: String
        var position: String.Index

        init(_ buffer: String) {
            self.buffer = buffer
            self.position = buffer.startIndex
        }

        var reachedEnd: Bool { position == buffer.endIndex }
        /// `"\0"` at the end, as swift-mustache's `current()`.
        var current: Character { reachedEnd ? "\0" : buffer[position] }

        mutating func advance() {
            position = buffer.index(after: position)
        }

        @discardableResult
        mutating func read(while predicate: (Character) -> Bool) -> Substring {
            let start = position
            while !reachedEnd, predicate(buffer[position]) { advance() }
            return buffer[start..<position]
        }

        /// Reads `string` if it comes next; throws if fewer characters are left, as swift-mustache does.
        mutating func read(string: String) throws(Unsupported) -> Bool {
            // Walks `count` characters at most, not the whole rest as `distance(from:to:)` would
            // (which made parsing quadratic in the file's length).
            guard let end = buffer.index(position, offsetBy: string.count, limitedBy: buffer.endIndex) else {
                throw Unsupported()
            }
            guard buffer[position..<end] == string else { return false }
            position = end
            return true
        }
    }

    /// One level of `MustacheTemplate.parse(_:state:)`: the top level or one section's body.
    private static func parse(
        _ reader: inout Reader, section: SectionTag?, newLine startsOnNewLine: Bool, escaping: inout Escaping?
    ) throws(Unsupported) -> [Node] {
        var nodes: [Node] = []
        var newLine = startsOnNewLine
        var whiteSpaceBefore: Substring = ""
        func flushWhiteSpace() {
            if !whiteSpaceBefore.isEmpty {
                nodes.append(.text(String(whiteSpaceBefore)))
                whiteSpaceBefore = ""
            }
        }
        while !reader.reachedEnd {
            if newLine { whiteSpaceBefore = reader.read(while: isSpaceOrTab) }
            let text = try readUntilTagOrNewline(&reader)
            if reader.current.isNewline {
                nodes.append(.text(String(whiteSpaceBefore) + text + String(reader.current)))
                newLine = true
                reader.advance()
                continue
            }
            if !text.isEmpty {
                nodes.append(.text(String(whiteSpaceBefore) + text))
                whiteSpaceBefore = ""
                newLine = false
            }
            if reader.reachedEnd { break }
            var setNewLine = false
            switch reader.current {
            case "#", "^":
                let inverted = reader.current == "^"
                reader.advance()
                let tag = try parseName(&reader)
                if isStandalone(&reader, newLine) { setNewLine = true } else { flushWhiteSpace() }
                let body = try parse(&reader, section: tag, newLine: newLine && setNewLine, escaping: &escaping)
                nodes.append(try sectionNode(tag, body, inverted: inverted))
            case "/":
                reader.advance()
                let tag = try parseName(&reader)
                guard let section, tag.name == section.name, tag.transforms == section.transforms else {
                    throw Unsupported()
                }
                if !isStandalone(&reader, newLine) { flushWhiteSpace() }
                return nodes
            case "!":
                reader.advance()
                try skipComment(&reader)
                setNewLine = isStandalone(&reader, newLine)
            case "{", "&":
                let triple = reader.current == "{"
                flushWhiteSpace()
                reader.advance()
                let tag = try parseName(&reader)
                if triple {
                    guard !reader.reachedEnd, reader.current == "}" else { throw Unsupported() }
                    reader.advance()
                }
                nodes.append(try variableNode(tag, escaped: false, escaping: escaping))
            case "%":
                // Only the catalog's own pragma, first in the file, which fixes the escaping.
                reader.advance()
                guard section == nil, nodes.isEmpty, escaping == nil else { throw Unsupported() }
                escaping = try readContentType(&reader)
                setNewLine = isStandalone(&reader, newLine)
            case ">", "<", "$", "=":
                throw Unsupported()
            default:
                flushWhiteSpace()
                let tag = try parseName(&reader)
                nodes.append(try variableNode(tag, escaped: true, escaping: escaping))
            }
            newLine = setNewLine
        }
        guard section == nil else { throw Unsupported() }
        return nodes
    }

    /// Text up to a newline (left unread) or just past an opening `{{`.
    private static func readUntilTagOrNewline(_ reader: inout Reader) throws(Unsupported) -> String {
        var text = ""
        while !reader.reachedEnd {
            text += reader.read(while: isPlainText)
            if reader.current.isNewline { break }
            if reader.current == "{" {
                if try reader.read(string: "{{") { break }
                text += "{"
                reader.advance()
            }
        }
        return text
    }

    /// At the end, or only spaces and tabs before a line break (which is then consumed).
    private static func isStandalone(_ reader: inout Reader, _ newLine: Bool) -> Bool {
        guard newLine else { return false }
        if reader.reachedEnd { return true }
        var ahead = reader
        ahead.read(while: isSpaceOrTab)
        guard ahead.current.isNewline else { return false }
        ahead.advance()
        reader.position = ahead.position
        return true
    }

    private static func skipComment(_ reader: inout Reader) throws(Unsupported) {
        var previousWasBrace = false
        while !reader.reachedEnd {
            let isBrace = reader.current == "}"
            reader.advance()
            if isBrace && previousWasBrace { return }
            previousWasBrace = isBrace
        }
        throw Unsupported()
    }

    /// `name`, `transform(name)` or `transform()`, then `}}`: swift-mustache's `parseName`.
    private static func parseName(_ reader: inout Reader) throws(Unsupported) -> SectionTag {
        reader.read(while: \.isWhitespace)
        let text = String(reader.read(while: nameCharacters))
        reader.read(while: \.isWhitespace)
        guard try reader.read(string: "}}") else { throw Unsupported() }
        var name = Reader(text)
        let first = String(name.read(while: nameCharactersWithoutBrackets))
        if name.reachedEnd { return SectionTag(name: text, transforms: []) }
        guard name.current == "(" else { throw Unsupported() }
        name.advance()
        var transforms = [first]
        while true {
            let word = String(name.read(while: nameCharactersWithoutBrackets))
            switch name.current {
            case ")":
                name.advance()
                let closing = name.read(while: { $0 == ")" }).count
                guard closing + 1 == transforms.count, name.reachedEnd else { throw Unsupported() }
                return SectionTag(name: word, transforms: transforms)
            case "(":
                name.advance()
                transforms.append(word)
            default:
                throw Unsupported()
            }
        }
    }

    /// `CONTENT_TYPE: TEXT` or our own HTML escaping; any other pragma is not ours.
    private static func readContentType(_ reader: inout Reader) throws(Unsupported) -> Escaping {
        reader.read(while: \.isWhitespace)
        let variable = reader.read(while: nameCharactersWithoutBrackets)
        reader.read(while: \.isWhitespace)
        guard reader.current == ":", variable == "CONTENT_TYPE" else { throw Unsupported() }
        reader.advance()
        reader.read(while: \.isWhitespace)
        let value = reader.read(while: nameCharactersWithoutBrackets)
        reader.read(while: \.isWhitespace)
        guard try reader.read(string: "}}") else { throw Unsupported() }
        switch value {
        case "TEXT": return .none
        case Substring(ScalarHTMLEscaping.contentTypeName): return .scalarHTML
        default: throw Unsupported()
        }
    }
}
