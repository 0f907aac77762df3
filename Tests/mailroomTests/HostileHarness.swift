import Foundation
import MailroomTesting

/// Runs the built `mailroom` binary against the scripted SMTP server, in a fresh temporary
/// directory, for the hostile-input suite; then reads back everything the run left behind.
///
/// Everything is real: the binary, the outbox on disk, an SMTP server on 127.0.0.1 that logs
/// every command line and message (Tests/Support/scripted_smtp_server.py), and Python's email
/// package reading each delivered message (Tests/Support/smtp_transcript.py).
final class HostileHarness {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// How a `mailroom` run ended.
    struct Outcome {
        /// nil when the process was killed for running past its limit.
        var exitCode: Int32?
        var killedBySignal: Bool
        var stderr: String
    }

    let root: URL
    let outbox: URL
    /// The scripted server's log: every command line and message it received.
    var serverLog: URL { server.file("log.jsonl") }
    var port: Int { server.port }
    private let server: TestServer

    init() throws {
        root = try TestServer.makeTemporaryDirectory()
        outbox = root.appendingPathComponent("outbox")
        let config = """
        sender:
          from: "Example Accounts <accounts@example.com>"
          reply_to: "Example Support <support@example.com>"
          message_id_domain: mail.example.com
        smtp:
          connections: 4
        """
        try Data(config.utf8).write(to: root.appendingPathComponent("config.yaml"))
        // An empty script: the server accepts everything and logs it.
        server = try TestServer.scripted("{}")
    }

    deinit {
        server.stop()
        try? FileManager.default.removeItem(at: root)
    }

    /// `mailroom send ARGUMENTS` with the outbox, templates and SMTP URL of this harness; killed
    /// (and reported as such) if still running after `limit`: a hang must fail, not block CI.
    /// With `stdin`, the file is piped in through `cat`, so the binary reads a real pipe in
    /// whatever pieces the kernel hands over, as from a producer.
    func send(_ arguments: [String], stdin: URL? = nil, limit: Duration) throws -> Outcome {
        let seconds = Int(limit.components.seconds)
        let mailroom = [RunningCommand.binary, "send", "--config", root.appendingPathComponent("config.yaml").path,
                        "--outbox", outbox.path,
                        "--templates", Workspace.templates,
                        "--smtp-url", "smtp://127.0.0.1:\(port)", "--quiet"] + arguments
        let process = Process()
        process.currentDirectoryURL = root
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        if let stdin {
            // timeout(1) kills a hung mailroom with SIGKILL: the pipeline then exits 137.
            process.arguments = ["-c", "cat \"$0\" | timeout -s KILL \(seconds) \"$@\"", stdin.path] + mailroom
        } else {
            process.arguments = ["-c", "exec timeout -s KILL \(seconds) \"$@\"", "mailroom"] + mailroom
        }
        let stderrURL = root.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let stderr = try FileHandle(forWritingTo: stderrURL)
        defer { try? stderr.close() }
        process.standardError = stderr
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let text = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        let status = process.terminationStatus
        // 137 = 128 + SIGKILL from timeout(1); 124 would be timeout's own report; 128+n a signal.
        return Outcome(exitCode: status < 124 ? status : nil, killedBySignal: status >= 124, stderr: text)
    }

    /// Every path under `directory`, relative to it, symlinks not followed.
    static func tree(_ directory: URL) -> Set<String> {
        var paths = Set<String>()
        guard let walker = FileManager.default.enumerator(atPath: directory.path) else { return paths }
        while let path = walker.nextObject() as? String { paths.insert(path) }
        return paths
    }

    // MARK: What the run left behind

    struct Rejected {
        var source: String
        var line: Int
        var event_id: String?
        var problems: [String]
        var excerpt: String
        var bytes: Int
    }

    struct Meta {
        var event_id: String
        var message_id: String
    }

    struct Stored {
        var meta: Meta
        var state: String
    }

    /// The rejected input lines, read from the outbox's database with `sqlite3`.
    func rejected() throws -> [Rejected] {
        try database.rows("SELECT source, line, event_id, problems, excerpt, bytes FROM rejected ORDER BY id").map { row in
            let problems = (row["problems"] as? String).flatMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String]
            }
            return Rejected(source: row["source"] as? String ?? "", line: row["line"] as? Int ?? 0,
                            event_id: row["event_id"] as? String, problems: problems ?? [],
                            excerpt: row["excerpt"] as? String ?? "", bytes: row["bytes"] as? Int ?? 0)
        }
    }

    /// The event ids reported as duplicates, with how often each came again.
    func duplicates() throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for row in try database.rows("SELECT event_id, count FROM duplicates") {
            if let id = row["event_id"] as? String { counts[id] = row["count"] as? Int ?? 0 }
        }
        return counts
    }

    var database: OutboxDatabase { OutboxDatabase(outbox: outbox.path) }

    /// Every stored message by event id, with its state.
    func storedMessages() throws -> [String: Stored] {
        var stored: [String: Stored] = [:]
        for row in try database.rows("SELECT event_id, message_id, state FROM messages") {
            guard let id = row["event_id"] as? String, let messageID = row["message_id"] as? String else { continue }
            stored[id] = Stored(meta: Meta(event_id: id, message_id: messageID), state: row["state"] as? String ?? "?")
        }
        return stored
    }

    // MARK: What the SMTP server saw

    struct Mailbox: Decodable {
        var display_name: String?
        var address: String?
    }

    /// check_mime.py's report on one delivered message, plus the strict display name.
    struct Report: Decodable {
        var error: String?
        var wire: [String]
        var defects: [String]?
        var header_names: [String]?
        var part_header_names: [[String]]?
        var subject: String?
        var to: [Mailbox]?
        var to_name_rfc2047: String?
        var message_id: String?
        var text: String?
        var html: String?
    }

    struct Transaction: Decodable {
        var conn: Int
        var mail: String
        var rcpt: [String]
        var message: Report
    }

    struct Transcript: Decodable {
        var transactions: [Transaction]
        var unexpected: [String]
        var commands: [String: Int]
    }

    /// The server's log read by Tests/Support/smtp_transcript.py.
    func transcript() throws -> Transcript {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [TestServer.supportFile("smtp_transcript.py"), serverLog.path]
        let output = root.appendingPathComponent("transcript.json")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        guard process.terminationStatus == 0 else { throw Failure(description: "smtp_transcript.py failed") }
        return try JSONDecoder().decode(Transcript.self, from: Data(contentsOf: output))
    }
}
