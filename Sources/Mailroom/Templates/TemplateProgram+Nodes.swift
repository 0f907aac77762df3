extension TemplateProgram {
    /// Joins neighbouring text nodes, which the parser makes line by line, so rendering appends once.
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
            case .positionSection(let position, let body, let inverted):
                result.append(.positionSection(position, merge(body), inverted: inverted))
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
