import Mustache

@testable import Mailroom

/// swift-mustache, the independent judge of Mailroom's template engine: it renders a file's text
/// over the same variables, through a context that records the names it cannot find.
///
/// Mailroom's language is a subset of mustache, so on everything the engine accepts the two must
/// give the same text and the same missing and absent names.
enum MustacheOracle {
    /// The content type the oracle's HTML parts use: escaping by scalar, written here from the
    /// HTML specification's five characters rather than taken from the engine.
    struct ScalarHTML: MustacheContentType {
        func escapeText(_ text: String) -> String {
            var escaped = String.UnicodeScalarView()
            for scalar in text.unicodeScalars {
                switch scalar {
                case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
                case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
                case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
                case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
                case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
                default: escaped.append(scalar)
                }
            }
            return String(escaped)
        }
    }

    /// Registers ``ScalarHTML`` once, before the first HTML text is parsed.
    private static let registered: Bool = {
        MustacheContentTypes.register(ScalarHTML(), named: "ORACLE_SCALAR_HTML")
        return true
    }()

    /// `source` as swift-mustache parses it for `escaping`: a pragma line first, which it drops.
    static func template(_ source: String, escaping: TemplateProgram.Escaping) throws -> MustacheTemplate {
        _ = registered
        let type = escaping == .html ? "ORACLE_SCALAR_HTML" : "TEXT"
        return try MustacheTemplate(string: "{{% CONTENT_TYPE: \(type)}}\n" + source)
    }

    /// Renders `source` over `scopes` (outermost first).
    static func render(
        _ source: String, escaping: TemplateProgram.Escaping, scopes: [[String: TemplateValue]]
    ) throws -> TemplateProgram.Result {
        render(try template(source, escaping: escaping), scopes: scopes)
    }

    static func render(_ template: MustacheTemplate, scopes: [[String: TemplateValue]]) -> TemplateProgram.Result {
        let recorder = Recorder()
        var scope = Scope(values: scopes.first ?? [:], parent: nil, recorder: recorder)
        for extra in scopes.dropFirst() { scope = Scope(values: extra, parent: scope, recorder: recorder) }
        let output = template.render(scope)
        return TemplateProgram.Result(output: output, missing: recorder.missing, absentRendered: recorder.absentRendered)
    }

    final class Recorder {
        var missing: [String] = []
        var absentRendered: [String] = []
    }

    /// One level of the context: the variables, or one element of a list. A scope asks its parent
    /// before it gives up, so only a name missing from the whole chain is recorded.
    final class Scope: MustacheParent {
        let values: [String: TemplateValue]
        let parent: Scope?
        let recorder: Recorder

        init(values: [String: TemplateValue], parent: Scope?, recorder: Recorder) {
            self.values = values
            self.parent = parent
            self.recorder = recorder
        }

        func child(named name: String) -> Any? {
            guard let value = lookup(name) else {
                if !recorder.missing.contains(name) { recorder.missing.append(name) }
                return nil
            }
            switch value {
            case .text(let text): return text
            case .absent: return Absent(name: name, recorder: recorder)
            case .list(let elements): return elements.map { Scope(values: $0, parent: self, recorder: recorder) }
            }
        }

        private func lookup(_ name: String) -> TemplateValue? {
            values[name] ?? parent?.lookup(name)
        }
    }

    /// An optional value the event lacks: null to a section, recorded when rendered as text.
    final class Absent: MustacheCustomRenderable {
        let name: String
        let recorder: Recorder

        init(name: String, recorder: Recorder) {
            self.name = name
            self.recorder = recorder
        }

        var renderText: String {
            if !recorder.absentRendered.contains(name) { recorder.absentRendered.append(name) }
            return ""
        }

        var isNull: Bool { true }
    }
}
