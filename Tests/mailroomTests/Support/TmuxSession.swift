import Foundation
import MailroomTesting

/// A detached tmux session of a fixed size running one shell command: the terminal a person
/// sees, read back with `capture-pane` and typed into with `send-keys`. Its own server socket,
/// so nothing touches a tmux the developer runs; killed on deinit.
final class TmuxSession: Sendable {
    let socket: String
    let directory: URL
    let serverPID: Int32

    /// Starts `command` (a shell command line) in a `columns` x `rows` terminal. `TERM` is tmux's.
    init(columns: Int, rows: Int, command: String) throws {
        directory = try TestServer.makeTemporaryDirectory()
        socket = directory.appendingPathComponent("tmux.sock").path
        try Self.tmux(startingServer: true, ["-S", socket, "-f", "/dev/null", "new-session", "-d", "-x", "\(columns)", "-y", "\(rows)", command])
        // Keep the pane after its command ends, so a test can still read the last screen.
        try Self.tmux(["-S", socket, "set-option", "-g", "remain-on-exit", "on"])
        serverPID = Int32(try Self.tmux(["-S", socket, "display-message", "-p", "#{pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    deinit {
        _ = try? Self.tmux(["-S", socket, "kill-server"])
        if serverPID > 0 { kill(serverPID, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The screen (and with `history`, everything scrolled off it); `joined` joins the lines the
    /// terminal itself wrapped; `escapes` keeps colour and attributes as SGR sequences.
    func capture(history: Bool = false, joined: Bool = false, escapes: Bool = false) throws -> String {
        var arguments = ["-S", socket, "capture-pane", "-p"]
        if history { arguments += ["-S", "-"] }
        if joined { arguments.append("-J") }
        if escapes { arguments.append("-e") }
        return try Self.tmux(arguments)
    }

    func sendKeys(_ keys: String...) throws {
        try Self.tmux(["-S", socket, "send-keys"] + keys)
    }

    /// The name of the program in the foreground of the pane (`less`, `sh`).
    func foregroundCommand() throws -> String {
        try Self.tmux(["-S", socket, "display-message", "-p", "#{pane_current_command}"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Waits (polling the screen, at most `seconds`) until `condition` holds for it; the last screen.
    @discardableResult
    func waitForScreen(seconds: Double = 60, history: Bool = false, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var screen = ""
        while Date() < deadline {
            screen = try capture(history: history)
            if condition(screen) { return screen }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WorkspaceError(description: "the terminal never showed what was expected; last screen:\n\(screen)")
    }

    @discardableResult
    static func tmux(startingServer: Bool = false, _ arguments: [String]) throws -> String {
        let process = Process()
        if startingServer {
            // The server keeps every descriptor it inherits, among them the one Foundation's Process
            // watches for its child's end: started through Python, which closes them for its child.
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = ["-c", "import subprocess, sys; sys.exit(subprocess.run(sys.argv[1:]).returncode)", "/usr/bin/tmux"] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/tmux")
            process.arguments = arguments
        }
        let output = Pipe()
        process.standardOutput = startingServer ? FileHandle.nullDevice : output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = startingServer ? Data() : output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw WorkspaceError(description: "tmux \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// `text` quoted for the shell.
    static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
