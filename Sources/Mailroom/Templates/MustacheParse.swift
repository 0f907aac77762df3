import Mustache
import Synchronization

/// A file's swift-mustache template, parsed when made or on first use.
///
/// Start-up parsed every file twice, with swift-mustache and as a ``TemplateProgram``; the
/// swift-mustache parse is only needed to render a file the program does not cover, which the
/// shipped templates never are, or a list rendered as text. So for a file the program compiles
/// the parse waits until such a render asks for it, once per process.
final class MustacheParse: Sendable {
    private enum State {
        case parsed(MustacheTemplate)
        case deferred(source: String)
    }

    private let state: Mutex<State>

    /// A template already parsed (a file the program does not cover).
    init(_ template: MustacheTemplate) {
        state = Mutex(.parsed(template))
    }

    /// `source` to be parsed on first use: only for source ``TemplateProgram/compile(_:)`` accepts.
    init(deferred source: String) {
        state = Mutex(.deferred(source: source))
    }

    /// Whether swift-mustache has parsed the file yet (for the tests).
    var isParsed: Bool {
        state.withLock { if case .parsed = $0 { true } else { false } }
    }

    /// swift-mustache's template, or its parser's error.
    ///
    /// The error should never happen: the program's parser refuses every file swift-mustache
    /// refuses (TemplateSyntaxDifferentialTests), and the file was checked at load time. Should it
    /// happen all the same, the render that needed the parse reports it as a template problem
    /// (the message is not sent) rather than stopping the process.
    var template: Result<MustacheTemplate, any Error> {
        state.withLock { state in
            switch state {
            case .parsed(let template):
                return .success(template)
            case .deferred(let source):
                do {
                    let template = try MustacheTemplate(string: source)
                    state = .parsed(template)
                    return .success(template)
                } catch {
                    return .failure(error)
                }
            }
        }
    }
}
