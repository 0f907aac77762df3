import Mustache

/// A value a template may reference, before it is handed to swift-mustache.
///
/// Optional fields are explicit: `.absent` is a key that exists with no value, so
/// `{{#cancel_url}}...{{/cancel_url}}` is a normal section and not a missing variable.
enum TemplateValue: Sendable, Equatable {
    case text(String)
    case absent
    case flag(Bool)
    case list([[String: TemplateValue]])
}

/// Collects what the templates asked for but the context could not give, during one render.
///
/// swift-mustache renders an unknown name as empty text; recording the lookups that fail is
/// how the catalog turns that into an error.
final class MissRecorder {
    private(set) var missing: [String] = []
    private(set) var absentRendered: [String] = []

    func recordMissing(_ name: String) {
        if !missing.contains(name) { missing.append(name) }
    }

    func recordAbsentRendered(_ name: String) {
        if !absentRendered.contains(name) { absentRendered.append(name) }
    }

    func reset() {
        missing.removeAll()
        absentRendered.removeAll()
    }
}

/// One level of the rendering context: the event's variables, or one element of a list.
///
/// swift-mustache looks a name up in every object on its context stack, innermost first. A nested
/// scope asks its parent before it gives up, so the innermost scope answers for the whole chain
/// and a name it cannot find is missing everywhere: only then is the miss recorded.
final class StrictScope: MustacheParent {
    private let values: [String: TemplateValue]
    private let parent: StrictScope?
    let recorder: MissRecorder

    init(values: [String: TemplateValue], parent: StrictScope? = nil, recorder: MissRecorder) {
        self.values = values
        self.parent = parent
        self.recorder = recorder
    }

    /// A scope for extra variables (a layout's `body`), falling back to this one.
    func adding(_ extra: [String: TemplateValue]) -> StrictScope {
        StrictScope(values: extra, parent: self, recorder: recorder)
    }

    func child(named name: String) -> Any? {
        guard let value = lookup(name) else {
            recorder.recordMissing(name)
            return nil
        }
        switch value {
        case .text(let text):
            return text
        case .absent:
            return AbsentValue(name: name, recorder: recorder)
        case .flag(let flag):
            return flag
        case .list(let elements):
            return elements.map { StrictScope(values: $0, parent: self, recorder: recorder) }
        }
    }

    private func lookup(_ name: String) -> TemplateValue? {
        if let value = values[name] { return value }
        return parent?.lookup(name)
    }

    /// Every name visible from this scope, list element names as `list.name`; for error messages.
    var knownNames: [String] {
        var names = Set(parent?.knownNames ?? [])
        for (key, value) in values {
            names.insert(key)
            if case .list(let elements) = value {
                for element in elements { names.formUnion(element.keys.map { "\(key).\($0)" }) }
            }
        }
        return names.sorted()
    }
}

/// An optional field the event does not have.
///
/// It is "null" for sections (so `{{^cancel_url}}` renders) but records an error if it is rendered
/// as a variable: `{{cancel_url}}` outside a guarding section would leave a hole in the email.
final class AbsentValue: MustacheCustomRenderable {
    let name: String
    let recorder: MissRecorder

    init(name: String, recorder: MissRecorder) {
        self.name = name
        self.recorder = recorder
    }

    var renderText: String {
        recorder.recordAbsentRendered(name)
        return ""
    }

    var isNull: Bool { true }
}
