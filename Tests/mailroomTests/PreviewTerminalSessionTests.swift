import Foundation
import MailroomTesting
import Testing

/// `mailroom preview` in a real terminal (tmux), as an author sees it: wrapped to the terminal,
/// in colour, through `less -R` when taller than the screen, plain with `--no-pager` or `NO_COLOR`.
@Suite("preview in a terminal (tmux)", .serialized)
struct PreviewTerminalSessionTests {
    /// A shell command line that runs the preview, then says how it ended and stays open.
    static func command(_ workspace: Workspace, _ arguments: [String], environment: String = "env -u NO_COLOR") -> String {
        let words = [RunningCommand.binary] + workspace.standardArguments(arguments, templates: Workspace.templates)
        return "cd \(TmuxSession.quoted(workspace.directory.path)) && \(environment) "
            + words.map(TmuxSession.quoted).joined(separator: " ") + "; echo \"[exit $?]\"; sleep 600"
    }

    /// Words of `text`, split only at whitespace: equal word lists mean no word was broken.
    /// Emphasis is `*bold*` in a pipe and bold on the terminal: the markers are not compared.
    /// The Date line (the clock moves between two runs) is left out.
    static func words(_ text: String) -> [String] {
        text.split(separator: "\n").filter { !$0.hasPrefix("Date: ") }.joined(separator: "\n")
            .split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\u{00A0}" })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "*_")) }
    }

    @Test("--no-pager at 120, 80 and 60 columns: every line fits, no word is broken, colour on",
          arguments: [120, 80, 60])
    func wrappedToTheTerminal(columns: Int) async throws {
        let workspace = try Workspace()
        let session = try TmuxSession(columns: columns, rows: 40,
                                      command: Self.command(workspace, ["preview", "withdrawal-reminder", "--locale", "de", "--no-pager"]))
        try await session.waitForScreen { $0.contains("[exit 0]") }
        // Joined: the lines as the program wrote them (tmux rejoins what the terminal wrapped).
        let screen = try session.capture(history: true, joined: true)
        // Only a word longer than the width (the Message-ID) is left to the terminal to wrap.
        for line in screen.split(separator: "\n") { #expect(line.count <= columns || !line.contains(" "), "\(line)") }
        #expect(screen.split(separator: "\n").contains { $0.count > columns / 2 }, "nothing was shown")

        let piped = try await workspace.run(["preview", "withdrawal-reminder", "--locale", "de"], environment: ["COLUMNS": "\(columns)"])
        let shownWords = Self.words(screen).filter { $0 != "[exit" && $0 != "0]" }
        #expect(shownWords == Self.words(piped.stdout), "words differ from the unwrapped preview")
        #expect(screen.contains("„Guthaben“"))
        #expect(screen.contains("Subject: Erinnerung") || screen.contains("Subject:"), "\(screen)")

        let coloured = try session.capture(history: true, escapes: true)
        #expect(coloured.contains("\u{1B}[1m"), "no bold on a terminal")
    }

    @Test("taller than the screen: less -R shows the first screen and waits; q ends it; exit 0")
    func pagerForATallPreview() async throws {
        let workspace = try Workspace()
        let session = try TmuxSession(columns: 80, rows: 24,
                                      command: Self.command(workspace, ["preview", "closure-confirmation"], environment: "env -u NO_COLOR -u PAGER -u LESS"))
        let first = try await session.waitForScreen { $0.contains("Subject:") }
        try await Task.sleep(for: .milliseconds(500))
        let paged = try session.capture()
        #expect(!paged.contains("[exit"), "the preview did not wait in the pager: \(first)")
        // less's prompt on the last line, the first screen above it.
        #expect(paged.split(separator: "\n").last?.hasPrefix(":") == true, "\(paged)")
        #expect(paged.contains("Subject:") && !paged.contains("Links:"), "\(paged)")
        #expect(try session.capture(escapes: true).contains("\u{1B}[1m"), "less -R dropped the colour")
        try session.sendKeys("q")
        try await session.waitForScreen { $0.contains("[exit 0]") }
    }

    @Test("NO_COLOR: no colour or attributes on the terminal")
    func noColor() async throws {
        let workspace = try Workspace()
        let session = try TmuxSession(columns: 100, rows: 60,
                                      command: Self.command(workspace, ["preview", "closure-confirmation", "--no-pager"], environment: "env NO_COLOR=1"))
        try await session.waitForScreen { $0.contains("[exit 0]") }
        let screen = try session.capture(history: true, escapes: true)
        #expect(!screen.contains("\u{1B}[1m") && !screen.contains("\u{1B}[2m"), "\(screen)")
        #expect(screen.contains("*"), "emphasis is shown as *strong* without colour")
    }
}

@Suite("preview --watch in a terminal (tmux)")
struct PreviewWatchSessionTests {
    @Test("--watch renders again when a template changes, shows a syntax error in place, recovers, and Ctrl-C ends it with 0")
    func watchFollowsEdits() async throws {
        let workspace = try Workspace()
        let copy = workspace.path("Templates")
        try FileManager.default.copyItem(atPath: Workspace.templates, toPath: copy)
        let words = [RunningCommand.binary] + workspace.standardArguments(["preview", "closure-confirmation", "--watch"], templates: copy)
        let command = "cd \(TmuxSession.quoted(workspace.directory.path)) && "
            + words.map(TmuxSession.quoted).joined(separator: " ") + "; echo \"[exit $?]\"; sleep 600"
        let session = try TmuxSession(columns: 100, rows: 50, command: command)
        try await session.waitForScreen { $0.contains("Subject: Your Example account will be closed") }

        let subject = copy + "/closure-confirmation/subject.en.mustache"
        try "Edited while watching: {{reference}}\n".write(toFile: subject, atomically: false, encoding: .utf8)
        try await session.waitForScreen { $0.contains("Subject: Edited while watching: CLS-2026-0042") }

        try "Broken {{#reference}\n".write(toFile: subject, atomically: false, encoding: .utf8)
        let broken = try await session.waitForScreen { $0.contains("ERROR:") }
        #expect(broken.contains("subject.en.mustache"), "the error names the file: \(broken)")
        #expect(!broken.contains("[exit"), "the watch ended on a syntax error")

        try "Fixed again: {{reference}}\n".write(toFile: subject, atomically: true, encoding: .utf8)
        let fixed = try await session.waitForScreen { $0.contains("Subject: Fixed again: CLS-2026-0042") }
        #expect(!fixed.contains("ERROR:"), "the old error stays on the screen: \(fixed)")

        try session.sendKeys("C-c")
        try await session.waitForScreen { $0.contains("[exit 0]") }
    }
}
