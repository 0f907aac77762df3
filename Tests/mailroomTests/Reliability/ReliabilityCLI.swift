import Foundation

/// Runs the built `mailroom` binary in a scratch directory, as an operator would.
///
/// Output goes to files, not pipes, so a chatty run cannot block on a full pipe, and several runs
/// can be started before any is waited for.
struct ReliabilityCLI: Sendable {
    /// The scratch directory: the working directory of every run, holding the config and outbox.
    let directory: URL
    /// Extra environment (e.g. MAILROOM_SMTP_PASSWORD); the parent's MAILROOM_* variables are dropped.
    var environment: [String: String] = [:]

    struct Result: Sendable {
        var status: Int32
        var stdout: String
        var stderr: String
        var output: String { stdout + stderr }
    }

    /// A run that was started and can be waited for.
    final class Running: @unchecked Sendable {
        let process: Process
        let stdoutURL: URL
        let stderrURL: URL

        init(process: Process, stdoutURL: URL, stderrURL: URL) {
            self.process = process
            self.stdoutURL = stdoutURL
            self.stderrURL = stderrURL
        }

        func wait() -> Result {
            process.waitUntilExit()
            return Result(status: process.terminationStatus,
                          stdout: (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "",
                          stderr: (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "")
        }
    }

    init(directory: URL, environment: [String: String] = [:]) {
        self.directory = directory
        self.environment = environment
    }

    static func make(_ purpose: String, environment: [String: String] = [:]) throws -> ReliabilityCLI {
        ReliabilityCLI(directory: try ReliabilityPaths.temporaryDirectory(purpose), environment: environment)
    }

    var outbox: URL { directory.appendingPathComponent("outbox") }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Writes `mailroom.yaml` with the given SMTP URL and short timeouts, and a small retry policy.
    func writeConfig(smtpURL: String?, replyTimeout: String = "2s", attempts: Int = 2, extra: String = "") throws {
        try write("mailroom.yaml", """
            smtp:
            \(smtpURL.map { "  url: \"\($0)\"" } ?? "")
              connections: 1
              connect_timeout: 2s
              reply_timeout: \(replyTimeout)
              transaction_timeout: 20s
            sender:
              from: "Example Accounts <accounts@example.com>"
              message_id_domain: mail.example.com
            outbox:
              path: outbox
            templates:
              path: \(ReliabilityPaths.templates)
            retry:
              attempts: \(attempts)
              initial_delay: 10ms
              max_delay: 50ms
            \(extra)
            """)
    }

    /// Starts `mailroom ARGUMENTS --config mailroom.yaml`.
    func start(_ arguments: [String], stdin: Data? = nil) throws -> Running {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ReliabilityPaths.binary)
        // Options every command accepts go after the (sub)command's name; `--config` last.
        process.arguments = arguments + ["--config", "mailroom.yaml"]
        process.currentDirectoryURL = directory
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MAILROOM_") }
        env.merge(environment) { $1 }
        process.environment = env
        let id = UUID().uuidString
        let stdoutURL = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-out-\(id)")
        let stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-err-\(id)")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        if let stdin {
            let input = directory.appendingPathComponent("stdin-\(id)")
            try stdin.write(to: input)
            process.standardInput = try FileHandle(forReadingFrom: input)
        } else {
            process.standardInput = FileHandle.nullDevice
        }
        try process.run()
        return Running(process: process, stdoutURL: stdoutURL, stderrURL: stderrURL)
    }

    /// Runs `mailroom ARGUMENTS --config mailroom.yaml` to the end.
    @discardableResult
    func run(_ arguments: [String], stdin: Data? = nil) throws -> Result {
        try start(arguments, stdin: stdin).wait()
    }

    /// `outbox list --json`: one record per message.
    func records() throws -> [[String: Any]] {
        let result = try run(["outbox", "list", "--json"])
        return result.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The journal of the message stored for `eventID`, one object per line.
    func journal(_ eventID: String) -> [[String: Any]] {
        let url = outbox.appendingPathComponent("messages").appendingPathComponent(eventID).appendingPathComponent("journal.ndjson")
        guard let data = try? Data(contentsOf: url) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}

/// Example events for the reliability tests.
enum ReliabilityEvents {
    static func closure(_ id: String, email: String = "ada@example.org", name: String = "Ada Lovelace") -> String {
        #"{"id":"\#(id)","type":"account.closure_requested","occurred_at":"2026-11-28T09:15:00Z","account":{"id":"acc_1","email":"\#(email)","name":"\#(name)","locale":"en"},"data":{"reference":"CLS-2026-0042","effective_at":"2026-12-12T00:00:00Z"}}"#
    }
}
