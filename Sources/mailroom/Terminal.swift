import Foundation
import Synchronization

/// Output to the terminal: results on stdout, diagnostics on stderr, colour only on a terminal.
///
/// Writing never fails the command (see ``TerminalStream``). When results cannot be written to
/// stdout, that is said once on stderr.
enum Terminal {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    private static let stdoutFailureReported = Mutex(false)

    static func out(_ text: String) {
        outRaw(Array((text + "\n").utf8))
    }

    static func outRaw(_ bytes: [UInt8]) {
        guard !TerminalStream.standardOutput.write(bytes) else { return }
        let first = stdoutFailureReported.withLock { reported in
            defer { reported = true }
            return !reported
        }
        if first, let error = TerminalStream.standardOutput.error {
            Terminal.error("cannot write to standard output (\(error)); further output is dropped")
        }
    }

    static func error(_ text: String) {
        TerminalStream.standardError.write(("mailroom: " + text + "\n").utf8)
    }

    /// Writes `text` to stderr as it is (progress lines that overwrite themselves).
    static func errorRaw(_ text: String) {
        TerminalStream.standardError.write(text.utf8)
    }

    /// Bold on a terminal, plain otherwise.
    static func bold(_ text: String, on terminal: Bool = stdoutIsTerminal) -> String {
        terminal ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    static func dim(_ text: String, on terminal: Bool = stdoutIsTerminal) -> String {
        terminal ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }
}
