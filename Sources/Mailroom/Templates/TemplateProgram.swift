/// One template file compiled to nodes, and rendered over ``TemplateVariables``: Mailroom's only
/// template engine.
///
/// The language is the part of mustache an email needs, and nothing more: literal text, names
/// (`{{x}}` escaped in HTML parts, `{{{x}}}` and `{{&x}}` never), sections, inverted sections,
/// comments and, inside a list section, the positions `first()`, `last()`, `even()`, `odd()` and
/// `index()`. Whitespace follows the mustache specification (a line holding only a section tag or
/// a comment disappears with its line break). Anything else (partials, parents, blocks, pragmas,
/// delimiter changes, dotted names, other functions) is refused when the file is loaded, with the
/// file and line, because each could change the escaping or hide a name from `templates check`.
/// `Templates/README.md` documents the language; swift-mustache, in the tests, checks the output.
struct TemplateProgram: Sendable {
    /// How `{{x}}` is escaped: decided by the part, never by the template's author.
    enum Escaping: Sendable, Equatable {
        /// Subject and text parts: no escaping.
        case none
        /// HTML parts: ``ScalarHTMLEscaping``.
        case html
    }

    /// The list positions a list section offers its body.
    enum ListPosition: String, Sendable {
        case first, last, index, even, odd
    }

    /// A name and, if it is a ``TemplateVariable``, its slot, found once at compile time.
    struct Name: Sendable {
        let text: String
        let slot: Int?

        init(_ text: String) {
            self.text = text
            slot = TemplateVariable(rawValue: text)?.slot
        }
    }

    /// Not `indirect`: the bodies are arrays already, and a boxed case costs a load and a
    /// retain per node rendered.
    enum Node: Sendable {
        case text(String)
        case variable(Name, escaped: Bool)
        case position(ListPosition)
        case section(Name, [Node])
        case invertedSection(Name, [Node])
        case positionSection(ListPosition, [Node], inverted: Bool)
    }

    let nodes: [Node]
    let escaping: Escaping
    /// The length of the literal text, to reserve the output once.
    let literalLength: Int

    /// The rendered text and the names that went wrong, which the catalog turns into problems.
    struct Result: Equatable {
        var output: String
        /// Names no scope has (a typo, usually), in order of first use.
        var missing: [String] = []
        /// Optional values this event lacks, rendered outside a section that tests them.
        var absentRendered: [String] = []
        /// Lists rendered as text (`{{retained}}`), which only a section can show.
        var listsRendered: [String] = []
    }

    /// Renders over `variables` (slots, then the dictionaries behind them).
    ///
    /// - Parameter extraCapacity: bytes to reserve besides the template's own estimate, such as
    ///   the body a layout wraps (growing the output for it would copy the whole document).
    func render(_ variables: TemplateVariables, extraCapacity: Int = 0) -> Result {
        var renderer = Renderer(root: variables, escaping: escaping)
        renderer.result.output.reserveCapacity(literalLength + literalLength / 2 + 64 + extraCapacity)
        renderer.run(nodes, nil)
        return renderer.result
    }

    /// Where a list element is, for the position names.
    private struct Place {
        var first: Bool
        var last: Bool
        var index: Int

        func flag(_ position: ListPosition) -> Bool {
            switch position {
            case .first: first
            case .last: last
            case .even: index & 1 == 0
            case .odd: index & 1 == 1
            case .index: true
            }
        }
    }

    /// The state of one render. Lookups walk the list elements innermost first, then the root
    /// variables.
    private struct Renderer {
        let root: TemplateVariables
        /// The elements of the list sections being rendered, outermost first.
        var lists: [[String: TemplateValue]] = []
        let escaping: Escaping
        var result = Result(output: "")

        init(root: TemplateVariables, escaping: Escaping) {
            self.root = root
            self.escaping = escaping
        }

        mutating func lookup(_ name: Name) -> TemplateValue? {
            var index = lists.endIndex
            while index > lists.startIndex {
                index -= 1
                if let value = lists[index][name.text] { return value }
            }
            if let value = root.value(name.text, slot: name.slot) { return value }
            Self.note(name.text, in: &result.missing)
            return nil
        }

        /// Renders `nodes`. `place` is the innermost list element's: kept by a section that only
        /// tests a value, dropped by a section over text, so a position always names the list
        /// element it stands in.
        mutating func run(_ nodes: [Node], _ place: Place?) {
            for node in nodes {
                switch node {
                case .text(let text):
                    result.output += text
                case .variable(let name, let escaped):
                    switch lookup(name) {
                    case nil: break
                    case .absent: Self.note(name.text, in: &result.absentRendered)
                    case .text(let text): append(text, escaped: escaped)
                    case .list: Self.note(name.text, in: &result.listsRendered)
                    }
                case .position(let position):
                    guard let place else { continue }
                    result.output += position == .index ? String(place.index) : (place.flag(position) ? "true" : "false")
                case .section(let name, let body):
                    switch lookup(name) {
                    case nil, .absent: break
                    case .text: run(body, nil)
                    case .list(let elements):
                        for (index, element) in elements.enumerated() {
                            lists.append(element)
                            run(body, Place(first: index == 0, last: index == elements.count - 1, index: index))
                            lists.removeLast()
                        }
                    }
                case .invertedSection(let name, let body):
                    switch lookup(name) {
                    case nil, .absent: run(body, place)
                    case .text: break
                    case .list(let elements): if elements.isEmpty { run(body, nil) }
                    }
                case .positionSection(let position, let body, let inverted):
                    guard let place else {
                        if inverted { run(body, nil) }
                        continue
                    }
                    if position == .index {
                        // A number, not a flag: the body renders (with no position of its own).
                        if !inverted { run(body, nil) }
                    } else if place.flag(position) != inverted {
                        run(body, place)
                    }
                }
            }
        }

        private mutating func append(_ text: String, escaped: Bool) {
            guard escaped, escaping == .html else {
                result.output += text
                return
            }
            ScalarHTMLEscaping.append(text, to: &result.output)
        }

        private static func note(_ name: String, in names: inout [String]) {
            if !names.contains(name) { names.append(name) }
        }
    }
}
