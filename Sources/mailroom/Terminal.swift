import Foundation

/// Output to the terminal: results on stdout, diagnostics on stderr, colour only on a terminal.
enum Terminal {
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1

    static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    static func outRaw(_ bytes: [UInt8]) {
        FileHandle.standardOutput.write(Data(bytes))
    }

    static func error(_ text: String) {
        FileHandle.standardError.write(Data(("mailroom: " + text + "\n").utf8))
    }

    /// Bold on a terminal, plain otherwise.
    static func bold(_ text: String, on terminal: Bool = stdoutIsTerminal) -> String {
        terminal ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    static func dim(_ text: String, on terminal: Bool = stdoutIsTerminal) -> String {
        terminal ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }
}
