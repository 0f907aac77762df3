import Foundation
import MailroomTesting
import Testing

/// Output that cannot be written (a full device, a closed descriptor, a reader that went away)
/// costs the output, never the run: every message is still stored and delivered, and the exit
/// code is the delivery's.
@Suite("a closed or full terminal never crashes mailroom")
struct TerminalFailureTests {
    /// Runs `mailroom ARGUMENTS` with the shell `redirection` after it, through bash so that the
    /// redirections are exactly an operator's; returns mailroom's own exit status (PIPESTATUS).
    func run(_ workspace: Workspace, _ arguments: [String], redirection: String) throws -> (status: Int32, output: String) {
        let quoted = ([RunningCommand.binary] + workspace.standardArguments(arguments, templates: Workspace.templates))
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let statusFile = workspace.path("status")
        let script = "\(quoted) \(redirection); echo \"${PIPESTATUS[0]}\" > '\(statusFile)'"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", script]
        process.currentDirectoryURL = workspace.directory
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MAILROOM_") }
        let outputURL = URL(fileURLWithPath: workspace.path("shell-output"))
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: outputURL)
        process.standardError = process.standardOutput
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let status = try String(contentsOfFile: statusFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        return (Int32(status) ?? -1, (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "")
    }

    @Test("send with stderr on /dev/full, closed, or piped into head: exit 0, every message sent once",
          arguments: ["2>/dev/full", "2>&-", "2>&1 | head -2"])
    func sendSurvivesBrokenStderr(redirection: String) async throws {
        let server = try TestServer.capture()
        defer { server.stop() }
        let workspace = try Workspace()
        let events = TestEvents.make(200, prefix: "evt_term")
        let file = try workspace.write("events.ndjson", events.ndjson)
        // --verbose: a line per message, so the reader of a pipe is gone long before the end.
        let (status, output) = try run(workspace, ["send", "--verbose", "--smtp-url", "smtp://127.0.0.1:\(server.port)", file],
                                       redirection: redirection)
        #expect(status == 0, "exit \(status): \(output.prefix(2000))")
        let counts = try server.capturedCountsByMessageID()
        #expect(counts.count == 200, "\(counts.count) of 200 delivered")
        #expect(counts.values.allSatisfy { $0 == 1 })
        let records = try await workspace.list()
        #expect(records.count == 200)
        #expect(records.allSatisfy { $0.state == "sent" })
        // A closed stderr must not become an outbox file that log lines are written into.
        for (path, bytes) in try workspace.outboxFiles() where path.hasSuffix(".json") || path.hasSuffix(".ndjson") {
            #expect(!String(decoding: bytes, as: UTF8.self).contains("mailroom:"), "\(path) holds terminal output")
        }
    }

    /// A closed stdout is pointed at /dev/null at start (so no file opened later takes its place):
    /// its output is discarded without a word. A full one fails, and that is said once.
    @Test("preview with stdout on /dev/full or closed: no crash; a write failure is said once on stderr",
          arguments: [(">/dev/full", 1), (">&-", 0)])
    func previewSurvivesBrokenStdout(redirection: String, reports: Int) throws {
        let workspace = try Workspace()
        let (status, output) = try run(workspace, ["preview", "closure-confirmation"], redirection: redirection)
        #expect(status == 0, "exit \(status): \(output)")
        #expect(output.components(separatedBy: "cannot write to standard output").count - 1 == reports, "\(output)")
    }
}
