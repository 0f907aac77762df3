import Dispatch
import Foundation
import Mailroom
import Synchronization

extension PreviewCommand {
    /// How often `--watch` looks at the files: fast enough to feel live, cheap for a few dozen files.
    static let watchInterval: Duration = .milliseconds(300)

    /// `--watch`: renders, then renders again whenever a file under the templates directory (or
    /// the event file) changes, until SIGINT or SIGTERM (exit 0). A template that does not parse
    /// or render is shown in place of the email, and the watch goes on.
    func watch(runtime: Runtime) async throws -> Int32 {
        let stop = Self.trapStopSignals()
        let watched = [runtime.settings.templatesPath] + (event.map { [$0] } ?? [])
        var last: TemplateFingerprint?
        while stop.reason == nil {
            let now = TemplateFingerprint(paths: watched)
            if now != last {
                last = now
                Terminal.outRaw(Array(watchScreen(runtime: runtime).utf8))
            }
            try await Task.sleep(for: Self.watchInterval)
        }
        return ExitStatus.success
    }

    /// The whole screen for one rendering: cleared first on a terminal, a status line, then the
    /// preview or the error.
    func watchScreen(runtime: Runtime) -> String {
        let size = Terminal.size()
        let colour = Terminal.stdoutColour
        let clock = Date().formatted(.iso8601.time(includingFractionalSeconds: false).timeSeparator(.colon))
        let what = event ?? template ?? ""
        var status = "mailroom preview \(what) --watch: \(runtime.settings.templatesPath) · rendered \(clock) UTC · Ctrl-C stops"
        status = TextWrap.wrap(status, width: size.columns)
        var body: String
        do {
            let (made, composer) = try PreviewSource.render(source, runtime: runtime)
            body = format == .raw ? String(decoding: made.message.bytes, as: UTF8.self) : rendered(made, composer: composer)
        } catch let failure as Failure {
            body = "ERROR: " + failure.message + "\n\nFix the file and save it: the preview renders again."
            body = TextWrap.wrap(body, width: size.columns)
            if colour { body = "\u{1B}[31m" + body + "\u{1B}[0m" }
        } catch {
            body = "ERROR: \(error)"
        }
        let screen = (colour ? "\u{1B}[7m" + status + "\u{1B}[0m" : status) + "\n\n" + body
        guard Terminal.stdoutIsTerminal else { return "\n" + screen + "\n" }
        // As watch(1) does: the screen's height, so the status line and the headers stay in view.
        var lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map { TextWrap.wrapLine(String($0), width: size.columns) }
            .flatMap { $0.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }
        if lines.count > size.rows - 1 {
            let hidden = lines.count - (size.rows - 2)
            lines = Array(lines.prefix(size.rows - 2)) + ["… \(hidden) more lines: a taller terminal, or --format html or headers"]
        }
        return "\u{1B}[H\u{1B}[2J\u{1B}[3J" + lines.joined(separator: "\n")
    }

    /// A flag raised by the first SIGINT or SIGTERM (a second one ends the process at once).
    static func trapStopSignals() -> StopSignal {
        let stop = StopSignal()
        watchSignalSources.withLock { sources in
            for number in [SIGINT, SIGTERM] {
                signal(number, SIG_IGN)
                let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
                source.setEventHandler {
                    if stop.reason != nil { _exit(128 + number) }
                    stop.raise("stopped by signal \(number)")
                }
                source.resume()
                sources.append(source)
            }
        }
        return stop
    }
}

/// Kept for the life of the process: a released dispatch source stops delivering.
private let watchSignalSources = Mutex<[any DispatchSourceSignal]>([])
