extension TemplateProgram {
    /// Why a source cannot be compiled; never shown, the file just stays on swift-mustache.
    struct Unsupported: Error {}

    /// A plain name; names with a dot (`.`, `a.b`, `.a`) take swift-mustache's other lookups.
    ///
    /// By bytes: Foundation's `contains` went through NSString. The same answer, as a dot in a
    /// name is always a `.` character of its own (only name characters, none combining, get in).
    private static func isPlainName(_ name: String) -> Bool {
        !name.isEmpty && !name.utf8.contains(UInt8(ascii: "."))
    }

    static func variableNode(
        _ tag: SectionTag, escaped: Bool, escaping: Escaping?
    ) throws(Unsupported) -> Node {
        // Before the pragma swift-mustache would escape for HTML by Character: not ours.
        guard escaping != nil else { throw Unsupported() }
        if tag.transforms.isEmpty, isPlainName(tag.name) { return .variable(Name(tag.name), escaped: escaped) }
        return .position(try listTransform(tag), escaped: escaped)
    }

    static func sectionNode(_ tag: SectionTag, _ body: [Node], inverted: Bool) throws(Unsupported) -> Node {
        if tag.transforms.isEmpty, isPlainName(tag.name) {
            return inverted ? .invertedSection(Name(tag.name), body) : .section(Name(tag.name), body)
        }
        return .positionSection(try listTransform(tag), body, inverted: inverted)
    }

    /// `first()` and friends: a transform of the sequence context, no name.
    private static func listTransform(_ tag: SectionTag) throws(Unsupported) -> ListTransform {
        guard tag.name.isEmpty, tag.transforms.count == 1, let transform = ListTransform(rawValue: tag.transforms[0])
        else { throw Unsupported() }
        return transform
    }

    /// Joins neighbouring text nodes, which swift-mustache keeps apart, so rendering appends once.
    static func merge(_ nodes: [Node]) -> [Node] {
        var result: [Node] = []
        for node in nodes {
            switch node {
            case .text(let text):
                if case .text(let previous)? = result.last {
                    result[result.count - 1] = .text(previous + text)
                } else if !text.isEmpty {
                    result.append(node)
                }
            case .section(let name, let body): result.append(.section(name, merge(body)))
            case .invertedSection(let name, let body): result.append(.invertedSection(name, merge(body)))
            case .positionSection(let transform, let body, let inverted):
                result.append(.positionSection(transform, merge(body), inverted: inverted))
            case .variable, .position: result.append(node)
            }
        }
        return result
    }

    static func literalLength(_ nodes: [Node]) -> Int {
        nodes.reduce(0) { total, node in
            switch node {
            case .text(let text): total + text.utf8.count
            case .section(_, let body), .invertedSection(_, let body), .positionSection(_, let body, _):
                total + literalLength(body)
            case .variable, .position: total + 16
            }
        }
    }
}
