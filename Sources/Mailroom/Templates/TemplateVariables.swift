/// The root scope of one render: a slot per ``TemplateVariable``, with the configured globals
/// (or any other dictionaries) behind them.
///
/// A compiled template resolves each name to its slot once (``TemplateProgram``), so a lookup
/// while rendering is an array read rather than hashing a string per message.
struct TemplateVariables: Sendable {
    /// nil: this render does not set the variable; the dictionaries behind may.
    private var slots: [TemplateValue?]
    /// Asked after the slots, innermost (last) first: the globals, or a test's scopes.
    private let behind: [[String: TemplateValue]]

    init(behind: [[String: TemplateValue]] = []) {
        slots = Array(repeating: nil, count: TemplateVariable.ordered.count)
        self.behind = behind
    }

    /// The globals behind the slots, and copied into the slots of their names once, so a
    /// render finds `company` without hashing. Never into the layout's `body` and `subject`,
    /// which are cleared again between parts.
    init(globals: [String: TemplateValue]) {
        self.init(behind: [globals])
        for (name, value) in globals {
            guard let variable = TemplateVariable(rawValue: name), variable != .body, variable != .subject else {
                continue
            }
            slots[variable.slot] = value
        }
    }

    subscript(variable: TemplateVariable) -> TemplateValue? {
        get { slots[variable.slot] }
        set { slots[variable.slot] = newValue }
    }

    /// The value of `name` (resolved to `slot` when it has one), as a lookup in ``dictionaries``
    /// would find it.
    func value(_ name: String, slot: Int?) -> TemplateValue? {
        if let slot, let value = slots[slot] { return value }
        var index = behind.endIndex
        while index > behind.startIndex {
            index -= 1
            if let value = behind[index][name] { return value }
        }
        return nil
    }

    /// The same variables as dictionaries, outermost first: the event's variables over the
    /// globals, then the layout's `body` and `subject` if set.
    var dictionaries: [[String: TemplateValue]] {
        var merged: [String: TemplateValue] = [:]
        for dictionary in behind { merged.merge(dictionary) { _, inner in inner } }
        var layout: [String: TemplateValue] = [:]
        for (variable, value) in zip(TemplateVariable.ordered, slots) {
            guard let value else { continue }
            if variable == .body || variable == .subject {
                layout[variable.rawValue] = value
            } else {
                merged[variable.rawValue] = value
            }
        }
        return layout.isEmpty ? [merged] : [merged, layout]
    }

    /// Every name a template can use here, a list's fields as `list.field`; for error messages.
    var knownNames: [String] {
        var names = Set<String>()
        for dictionary in dictionaries {
            for (key, value) in dictionary {
                names.insert(key)
                if case .list(let elements) = value {
                    for element in elements { names.formUnion(element.keys.map { "\(key).\($0)" }) }
                }
            }
        }
        return names.sorted()
    }
}
