import Foundation
import Mailroom
import Synchronization

/// Tells the operator what a run does: each rejected event and failed message at once, a
/// progress line on a terminal (a log line every 10 s otherwise), and `--verbose` every outcome.
final class TerminalReporter: RunReporter {
    private let verbose: Bool
    private let quiet: Bool
    private let interactive = Terminal.stderrIsTerminal
    private let lastProgress = Mutex<Date>(Date.distantPast)
    private let start = Date()

    init(verbose: Bool, quiet: Bool) {
        self.verbose = verbose
        self.quiet = quiet
    }

    func rejected(_ description: String) {
        clearProgressLine()
        Terminal.error(description)
    }

    func duplicate(eventID: String, source: String, line: Int) {
        guard !quiet else { return }
        clearProgressLine()
        Terminal.error("duplicate event \(eventID) (line \(line) of \(source)): already in the outbox, not sent again")
    }

    func finished(eventID: String, state: MessageState?, explanation: String) {
        let important = state == .failed || state == .uncertain
        guard verbose || (important && !quiet) else { return }
        clearProgressLine()
        Terminal.error("\(eventID): \(state?.rawValue ?? "not attempted") \(explanation)")
    }

    func progress(_ summary: RunSummary) {
        guard !quiet else { return }
        let now = Date()
        let due = lastProgress.withLock { last -> Bool in
            let interval: TimeInterval = interactive ? 0.25 : 10
            guard now.timeIntervalSince(last) >= interval else { return false }
            last = now
            return true
        }
        guard due, now.timeIntervalSince(start) > 1 else { return }
        let line = "\(summary.line) (\(Int(now.timeIntervalSince(start)))s)"
        if interactive {
            Terminal.errorRaw("\r\u{1B}[K\(line)")
        } else {
            Terminal.error("progress: \(line)")
        }
    }

    func clearProgressLine() {
        if interactive && !quiet { Terminal.errorRaw("\r\u{1B}[K") }
    }
}
