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

    /// Colour and emphasis on standard output: only on a terminal, and never with `NO_COLOR` set
    /// to anything but the empty string (no-color.org), nor with `TERM=dumb`.
    static let stdoutColour = stdoutIsTerminal && colourAllowed(ProcessInfo.processInfo.environment)

    static func colourAllowed(_ environment: [String: String]) -> Bool {
        (environment["NO_COLOR"] ?? "").isEmpty && environment["TERM"] != "dumb"
    }

    /// Standard output's size in columns and rows: the terminal's own, else `COLUMNS` and `LINES`,
    /// else 80 x 24, as `ls` and git do.
    static func size() -> (columns: Int, rows: Int) {
        var window = winsize()
        if stdoutIsTerminal, ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &window) == 0, window.ws_col > 0, window.ws_row > 0 {
            return (Int(window.ws_col), Int(window.ws_row))
        }
        let environment = ProcessInfo.processInfo.environment
        let columns = environment["COLUMNS"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 80
        let rows = environment["LINES"].flatMap(Int.init).flatMap { $0 > 0 ? $0 : nil } ?? 24
        return (columns, rows)
    }

    /// Bold on a terminal, plain otherwise.
    static func bold(_ text: String, on terminal: Bool = stdoutIsTerminal) -> String {
        terminal ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    static func dim(_ text: String, on terminal: Bool = stdoutIsTerminal) -> String {
        terminal ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }
}
