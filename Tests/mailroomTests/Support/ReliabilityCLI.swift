import Foundation
import MailroomTesting

/// A scratch directory holding its own `mailroom.yaml` (outbox and templates set in the file, as an
/// operator would), where the reliability tests run the binary to the end with ``RunningCommand``.
///
/// Unlike ``Workspace`` its runs block the calling thread: the fault matrix drives many cells from
/// plain threads at once.
struct ReliabilityCLI: Sendable {
    /// The scratch directory: the working directory of every run, holding the config and outbox.
    let directory: URL
    /// Extra environment (e.g. MAILROOM_SMTP_PASSWORD); the parent's MAILROOM_* variables are dropped.
    var environment: [String: String] = [:]

    init(directory: URL, environment: [String: String] = [:]) {
        self.directory = directory
        self.environment = environment
    }

    static func make(environment: [String: String] = [:]) throws -> ReliabilityCLI {
        ReliabilityCLI(directory: try TestServer.makeTemporaryDirectory(), environment: environment)
    }

    var outbox: URL { directory.appendingPathComponent("outbox") }

    func write(_ name: String, _ text: String) throws {
        try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// Writes `mailroom.yaml`: ``Workspace/baseConfig`` with one connection, a 2 s reply timeout
    /// (the fault matrix's timeout cells wait for it), no retry lifetime, the outbox and templates
    /// named in the file, and the given SMTP URL.
    func writeConfig(smtpURL: String?) throws {
        var values = Workspace.baseConfig
        values["smtp.connections"] = "1"
        values["smtp.reply_timeout"] = "2s"
        values["smtp.transaction_timeout"] = "20s"
        values["retry.lifetime"] = nil
        values["outbox.path"] = "outbox"
        values["templates.path"] = Workspace.templates
        if let smtpURL { values["smtp.url"] = "\"\(smtpURL)\"" }
        try write("mailroom.yaml", Workspace.yaml(values))
    }

    /// Runs `mailroom ARGUMENTS --config mailroom.yaml` to the end, blocking this thread.
    @discardableResult
    func run(_ arguments: [String]) throws -> CommandResult {
        // Options every command accepts go after the (sub)command's name; `--config` last.
        try RunningCommand(arguments + ["--config", "mailroom.yaml"], in: directory, input: .none,
                           environment: environment).waitBlocking()
    }

    /// `outbox list --json`: one record per message.
    func records() throws -> [[String: Any]] {
        let result = try run(["outbox", "list", "--json"])
        return result.stdout.split(separator: "\n").compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
        }
    }

    /// The journal of the message stored for `eventID`, one object per entry, read with `sqlite3`.
    func journal(_ eventID: String) -> [[String: Any]] {
        (try? OutboxDatabase(outbox: outbox.path).journal(eventID)) ?? []
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
