/// One template file compiled for fast rendering over ``TemplateValue`` dictionaries: a fast
/// path beside swift-mustache, never a second dialect.
///
/// swift-mustache renders through an `Any` context stack with dynamic casts and `Mirror`, which
/// was a third of the cost of a message (issue #4). A program is compiled from the preprocessed
/// source only when the file uses nothing but literal text, plain names
/// (`{{x}}`, `{{{x}}}`, `{{&x}}`), sections, inverted sections, comments, the content-type pragma
/// the catalog adds, and the list positions `first()`, `last()`, `even()`, `odd()` and `index()`.
/// Anything else (another transform, `.`, a dotted name) leaves the file on the swift-mustache
/// path, which parses it at load time and reports its syntax errors; a file the program covers
/// is one swift-mustache accepts, so its swift-mustache parse waits for a render that needs it
/// (``MustacheParse``). The parser is a port of swift-mustache 2.1.1's (standalone lines
/// included) and the rendering follows its context rules exactly; a differential test renders
/// every shipped template both ways and requires the same output and the same recorded problems.
struct TemplateProgram: Sendable {
    /// How `{{x}}` is escaped, from the `CONTENT_TYPE` pragma the catalog put first.
    enum Escaping: Sendable, Equatable {
        /// Subject and text parts: no escaping.
        case none
        /// HTML parts: ``ScalarHTMLEscaping``.
        case scalarHTML
    }

    /// The list-position transforms swift-mustache offers inside a list section.
    enum ListTransform: String, Sendable {
        case first, last, index, even, odd
    }

    /// A plain name and, if it has one, its ``TemplateVariables`` slot, found once at compile time.
    struct Name: Sendable {
        let text: String
        let slot: Int?

        init(_ text: String) {
            self.text = text
            slot = TemplateVariables.slot(of: text)
        }
    }

    /// Not `indirect`: the bodies are arrays already, and a boxed case costs a load and a
    /// retain per node rendered.
    enum Node: Sendable {
        case text(String)
        case variable(Name, escaped: Bool)
        case position(ListTransform, escaped: Bool)
        case section(Name, [Node])
        case invertedSection(Name, [Node])
        case positionSection(ListTransform, [Node], inverted: Bool)
    }

    let nodes: [Node]
    let escaping: Escaping
    /// The length of the literal text, to reserve the output once.
    let literalLength: Int

    /// The rendered text and the names that went wrong, as ``TemplateFile/render(_:)`` reports them.
    struct Result {
        var output: String
        var missing: [String]
        var absentRendered: [String]
    }

    /// Renders over `scopes` (outermost first, as swift-mustache's context stack), or returns nil
    /// when the values need something the program does not do (a list rendered as text), so the
    /// caller renders the file with swift-mustache instead.
    func render(_ scopes: [[String: TemplateValue]]) -> Result? {
        render(TemplateVariables(behind: scopes))
    }

    /// Renders over `variables` (slots, then the dictionaries behind them); nil as above.
    ///
    /// - Parameter extraCapacity: bytes to reserve besides the template's own estimate, such as
    ///   the body a layout wraps (growing the output for it copied the whole document).
    func render(_ variables: TemplateVariables, extraCapacity: Int = 0) -> Result? {
        var renderer = Renderer(root: variables, escaping: escaping)
        renderer.output.reserveCapacity(literalLength + literalLength / 2 + 64 + extraCapacity)
        guard renderer.run(nodes, nil) else { return nil }
        return Result(output: renderer.output, missing: renderer.missing, absentRendered: renderer.absentRendered)
    }

    /// swift-mustache's `MustacheSequenceContext`: where a list element is.
    private struct ListPosition {
        var first: Bool
        var last: Bool
        var index: Int

        func flag(_ transform: ListTransform) -> Bool {
            switch transform {
            case .first: first
            case .last: last
            case .even: index & 1 == 0
            case .odd: index & 1 == 1
            case .index: true
            }
        }
    }

    /// The state of one render. Lookups walk the list elements innermost first, then the root
    /// variables, as `StrictScope` walks its parents: objects swift-mustache pushes besides scopes
    /// (a section's text, a number, an empty list) never answer a name, so they do not appear here.
    private struct Renderer {
        let root: TemplateVariables
        /// The elements of the list sections being rendered, outermost first.
        var lists: [[String: TemplateValue]] = []
        let escaping: Escaping
        var output = ""
        var missing: [String] = []
        var absentRendered: [String] = []

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
            if !missing.contains(name.text) { missing.append(name.text) }
            return nil
        }

        /// Renders `nodes`; false when the program cannot render these values.
        ///
        /// `position` is swift-mustache's sequence context: kept by a boolean section, an inverted
        /// section and a missing value, cleared by a section over text or a number, set per element.
        mutating func run(_ nodes: [Node], _ position: ListPosition?) -> Bool {
            for node in nodes {
                switch node {
                case .text(let text):
                    output += text
                case .variable(let name, let escaped):
                    switch lookup(name) {
                    case nil: break
                    case .absent:
                        if !absentRendered.contains(name.text) { absentRendered.append(name.text) }
                    case .text(let text): append(text, escaped: escaped)
                    case .flag(let flag): output += flag ? "true" : "false"
                    case .list: return false
                    }
                case .position(let transform, _):
                    guard let position else { continue }
                    output += transform == .index ? String(position.index) : (position.flag(transform) ? "true" : "false")
                case .section(let name, let body):
                    switch lookup(name) {
                    case nil, .absent: break
                    case .text: guard run(body, nil) else { return false }
                    case .flag(let flag): guard !flag || run(body, position) else { return false }
                    case .list(let elements):
                        for (index, element) in elements.enumerated() {
                            lists.append(element)
                            let done = run(
                                body, ListPosition(first: index == 0, last: index == elements.count - 1, index: index))
                            lists.removeLast()
                            guard done else { return false }
                        }
                    }
                case .invertedSection(let name, let body):
                    switch lookup(name) {
                    case nil, .absent: guard run(body, position) else { return false }
                    case .text: break
                    case .flag(let flag): guard flag || run(body, position) else { return false }
                    case .list(let elements): guard !elements.isEmpty || run(body, nil) else { return false }
                    }
                case .positionSection(let transform, let body, let inverted):
                    guard let position else {
                        guard !inverted || run(body, nil) else { return false }
                        continue
                    }
                    if transform == .index {
                        // A number is a value, not a boolean: the section renders with it pushed.
                        guard inverted || run(body, nil) else { return false }
                    } else if position.flag(transform) != inverted {
                        guard run(body, position) else { return false }
                    }
                }
            }
            return true
        }

        private mutating func append(_ text: String, escaped: Bool) {
            guard escaped, escaping == .scalarHTML else {
                output += text
                return
            }
            ScalarHTMLEscaping.append(text, to: &output)
        }
    }
}
