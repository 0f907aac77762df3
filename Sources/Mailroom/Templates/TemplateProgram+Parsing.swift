extension TemplateProgram {
    /// Why a template's text does not compile, and where.
    struct SyntaxError: Error, Equatable {
        /// ``TemplateError/Code/syntax`` for malformed text, ``TemplateError/Code/unsupportedTag``
        /// for a well-formed tag outside the language.
        var code: TemplateError.Code
        /// What is wrong and what to write instead, naming the tag as written.
        var reason: String
        /// 1-based, in the text given to ``init(parsing:escaping:)``.
        var line: Int
        var column: Int
    }

    /// Compiles one file's text (line breaks `\n`), or says what in it is not Mailroom's language.
    ///
    /// The text is read by `Character`, as swift-mustache reads it, so a tag's brace joined to a
    /// combining mark is text in both; the tests compare the two on generated sources.
    init(parsing source: String, escaping: Escaping) throws(SyntaxError) {
        var reader = Reader(source)
        let nodes = try Self.parse(&reader, section: nil, newLine: true)
        let merged = Self.merge(nodes)
        self.init(nodes: merged, escaping: escaping, literalLength: Self.literalLength(merged))
    }

    /// A tag's name and the functions around it: `name`, `function(name)` or `function()`.
    struct Tag {
        var name: String
        var functions: [String]
        /// Where `{{` is, for errors, and the tag as written, for messages.
        var start: String.Index
        var text: String
    }

    /// A position in the source, read by `Character`.
    private struct Reader {
        let buffer: String
        var position: String.Index

        init(_ buffer: String) {
            self.buffer = buffer
            self.position = buffer.startIndex
        }

        var reachedEnd: Bool { position == buffer.endIndex }
        /// `"\0"` at the end, so a look at the next character needs no check.
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

        /// Reads `string` if it comes next.
        mutating func read(string: String) -> Bool {
            // Walks `count` characters at most, not the whole rest as `distance(from:to:)` would.
            guard let end = buffer.index(position, offsetBy: string.count, limitedBy: buffer.endIndex),
                buffer[position..<end] == string
            else { return false }
            position = end
            return true
        }

        /// The tag starting at `start` as written, up to its `}}` (or a line's worth), for messages.
        func tagText(from start: String.Index) -> String {
            let rest = buffer[start...].prefix(60).prefix { $0 != "\n" }
            guard let close = rest.firstRange(of: "}}") else { return String(rest) }
            let end = rest[close.upperBound...].first == "}" ? rest.index(after: close.upperBound) : close.upperBound
            return String(rest[..<end])
        }

        func error(_ code: TemplateError.Code, _ reason: String, at index: String.Index) -> SyntaxError {
            let before = buffer[..<index]
            let lineStart = before.lastIndex(of: "\n").map(buffer.index(after:)) ?? buffer.startIndex
            let line = before.reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
            return SyntaxError(code: code, reason: reason, line: line, column: buffer[lineStart..<index].count + 1)
        }
    }

    /// The top level, or one section's body up to its closing tag.
    private static func parse(_ reader: inout Reader, section: Tag?, newLine startsOnNewLine: Bool) throws(SyntaxError) -> [Node] {
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
            let (text, inTag) = readUntilTagOrNewline(&reader)
            if !inTag, reader.current.isNewline {
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
            guard inTag else { break }
            // Just past `{{`, which are two characters of their own.
            let start = reader.buffer.index(reader.position, offsetBy: -2)
            var setNewLine = false
            switch reader.current {
            case "#", "^":
                let inverted = reader.current == "^"
                reader.advance()
                let tag = try parseName(&reader, start: start)
                if isStandalone(&reader, newLine) { setNewLine = true } else { flushWhiteSpace() }
                let body = try parse(&reader, section: tag, newLine: newLine && setNewLine)
                nodes.append(try sectionNode(tag, body, inverted: inverted, reader))
            case "/":
                reader.advance()
                let tag = try parseName(&reader, start: start)
                guard let section else {
                    throw reader.error(.syntax, "\(tag.text) closes no section", at: start)
                }
                guard tag.name == section.name, tag.functions == section.functions else {
                    throw reader.error(.syntax, "\(tag.text) does not close \(section.text); close that one first", at: start)
                }
                if !isStandalone(&reader, newLine) { flushWhiteSpace() }
                return nodes
            case "!":
                reader.advance()
                try skipComment(&reader, start: start)
                setNewLine = isStandalone(&reader, newLine)
            case "{", "&":
                let triple = reader.current == "{"
                flushWhiteSpace()
                reader.advance()
                let tag = try parseName(&reader, start: start)
                if triple {
                    guard reader.current == "}" else {
                        throw reader.error(.syntax, "\(tag.text) opens with three braces and must close with three", at: start)
                    }
                    reader.advance()
                }
                nodes.append(try variableNode(tag, escaped: false, reader))
            case ">", "<", "$", "=", "%":
                let what = switch reader.current {
                case ">": "partials are"
                case "<": "parents are"
                case "$": "blocks are"
                case "=": "delimiter changes are"
                default: "pragmas are"
                }
                throw reader.error(
                    .unsupportedTag,
                    "\(reader.tagText(from: start)): \(what) not supported (the catalog sets the escaping itself, "
                        + "and layouts wrap the body through {{{body}}})", at: start)
            default:
                flushWhiteSpace()
                let tag = try parseName(&reader, start: start)
                nodes.append(try variableNode(tag, escaped: true, reader))
            }
            newLine = setNewLine
        }
        if let section {
            throw reader.error(.syntax, "\(section.text) is never closed; add {{/\(section.name)}}", at: section.start)
        }
        return nodes
    }

    /// Text up to a newline (left unread) or the end, or up to just past an opening `{{` (`inTag`).
    private static func readUntilTagOrNewline(_ reader: inout Reader) -> (text: String, inTag: Bool) {
        var text = ""
        while !reader.reachedEnd {
            text += reader.read(while: isPlainText)
            if reader.current.isNewline { break }
            if reader.current == "{" {
                if reader.read(string: "{{") { return (text, true) }
                text += "{"
                reader.advance()
            }
        }
        return (text, false)
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

    private static func skipComment(_ reader: inout Reader, start: String.Index) throws(SyntaxError) {
        var previousWasBrace = false
        while !reader.reachedEnd {
            let isBrace = reader.current == "}"
            reader.advance()
            if isBrace && previousWasBrace { return }
            previousWasBrace = isBrace
        }
        throw reader.error(.syntax, "the comment is never closed with }}", at: start)
    }

    /// `name`, `function(name)` or `function()`, then `}}`.
    private static func parseName(_ reader: inout Reader, start: String.Index) throws(SyntaxError) -> Tag {
        reader.read(while: \.isWhitespace)
        let text = String(reader.read(while: nameCharacters))
        reader.read(while: \.isWhitespace)
        guard reader.read(string: "}}") else {
            throw reader.error(
                .syntax, "\(reader.tagText(from: start)): a tag holds one name (letters, digits, _ - ?) and ends with }}",
                at: start)
        }
        let written = String(reader.buffer[start..<reader.position])
        var name = Reader(text)
        let first = String(name.read(while: nameCharactersWithoutBrackets))
        if name.reachedEnd { return Tag(name: text, functions: [], start: start, text: written) }
        func malformed() -> SyntaxError { reader.error(.syntax, "\(written): unbalanced brackets", at: start) }
        guard name.current == "(" else { throw malformed() }
        name.advance()
        var functions = [first]
        while true {
            let word = String(name.read(while: nameCharactersWithoutBrackets))
            switch name.current {
            case ")":
                name.advance()
                let closing = name.read(while: { $0 == ")" }).count
                guard closing + 1 == functions.count, name.reachedEnd else { throw malformed() }
                return Tag(name: word, functions: functions, start: start, text: written)
            case "(":
                name.advance()
                functions.append(word)
            default:
                throw malformed()
            }
        }
    }

    /// `{{name}}` or a list position such as `{{index()}}`.
    private static func variableNode(_ tag: Tag, escaped: Bool, _ reader: Reader) throws(SyntaxError) -> Node {
        if let name = try plainName(tag, reader) { return .variable(Name(name), escaped: escaped) }
        return .position(try listPosition(tag, reader))
    }

    private static func sectionNode(_ tag: Tag, _ body: [Node], inverted: Bool, _ reader: Reader) throws(SyntaxError) -> Node {
        if let name = try plainName(tag, reader) {
            return inverted ? .invertedSection(Name(name), body) : .section(Name(name), body)
        }
        return .positionSection(try listPosition(tag, reader), body, inverted: inverted)
    }

    /// The tag's name when it is a plain one; nil for a function (a list position, or refused by
    /// ``listPosition(_:_:)``).
    private static func plainName(_ tag: Tag, _ reader: Reader) throws(SyntaxError) -> String? {
        guard tag.functions.isEmpty else { return nil }
        guard !tag.name.isEmpty else { throw reader.error(.syntax, "\(tag.text): the tag names nothing", at: tag.start) }
        // By bytes: a dot in a name is always a `.` character of its own (only name characters get in).
        guard !tag.name.utf8.contains(UInt8(ascii: ".")) else {
            throw reader.error(
                .unsupportedTag,
                "\(tag.text): dotted names are not supported: the variables are flat, and inside a list section "
                    + "a field is named alone, e.g. {{category}}", at: tag.start)
        }
        return tag.name
    }

    /// `first()` and the other positions: a function of the list element, with no name.
    private static func listPosition(_ tag: Tag, _ reader: Reader) throws(SyntaxError) -> ListPosition {
        guard tag.name.isEmpty, tag.functions.count == 1, let position = ListPosition(rawValue: tag.functions[0]) else {
            throw reader.error(
                .unsupportedTag,
                "\(tag.text): functions are not supported; inside a list section first(), last(), even(), odd() "
                    + "and index() give the element's position", at: tag.start)
        }
        return position
    }
}
