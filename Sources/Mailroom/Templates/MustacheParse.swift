import Mustache
import Synchronization

/// A file's swift-mustache template, parsed when made or on first use.
///
/// Start-up parsed every file twice, with swift-mustache and as a ``TemplateProgram``; the
/// swift-mustache parse is only needed to render a file the program does not cover, which the
/// shipped templates never are, or a list rendered as text. So for a file the program compiles
/// the parse waits until such a render asks for it, once per process.
final class MustacheParse: Sendable {
    private let source: String
    private let parsed: Mutex<MustacheTemplate?>

    /// A template already parsed (a file the program does not cover).
    init(_ template: MustacheTemplate) {
        source = template.description
        parsed = Mutex(template)
    }

    /// `source` to be parsed on first use: only for source ``TemplateProgram/compile(_:)`` accepts.
    init(deferred source: String) {
        self.source = source
        parsed = Mutex(nil)
    }

    /// Whether swift-mustache has parsed the file yet (for the tests).
    var isParsed: Bool { parsed.withLock { $0 != nil } }

    /// swift-mustache's template, or its parser's error.
    ///
    /// The error should never happen: the program's parser refuses every file swift-mustache
    /// refuses (TemplateSyntaxDifferentialTests), and the file was checked at load time. Should it
    /// happen all the same, the render that needed the parse reports it as a template problem
    /// (the message is not sent) rather than stopping the process.
    var template: Result<MustacheTemplate, any Error> {
        parsed.withLock { parsed in
            if let parsed { return .success(parsed) }
            do {
                let template = try MustacheTemplate(string: source)
                parsed = template
                return .success(template)
            } catch {
                return .failure(error)
            }
        }
    }
}
