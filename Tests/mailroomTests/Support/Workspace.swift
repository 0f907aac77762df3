import Foundation
import MailroomTesting

/// One test's working directory: the `mailroom` processes run in it (cwd), with their own
/// `outbox/`, a configuration file written by the test, and the repository's templates.
final class Workspace: Sendable {
    let directory: URL
    let configPath: String

    static let templates = TestServer.packageRoot.appendingPathComponent("Templates").path

    /// Settings every test starts from: short timeouts and retry delays so faults settle fast.
    static let baseConfig: [String: String] = [
        "smtp.connections": "2",
        "smtp.connect_timeout": "2s",
        "smtp.reply_timeout": "5s",
        "smtp.transaction_timeout": "30s",
        "sender.from": "\"Example Accounts <accounts@example.com>\"",
        "sender.message_id_domain": "mail.example.com",
        "retry.attempts": "2",
        "retry.initial_delay": "10ms",
        "retry.max_delay": "50ms",
        "retry.lifetime": "3d",
    ]

    /// `config` entries (`"section.key": "yaml value"`) override ``baseConfig``; a nil value removes one.
    init(config: [String: String?] = [:]) throws {
        directory = try TestServer.makeTemporaryDirectory()
        configPath = directory.appendingPathComponent("mailroom-test.yaml").path
        var merged = Self.baseConfig
        for (key, value) in config { merged[key] = value }
        try Self.yaml(merged).write(toFile: configPath, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: directory) }

    /// Two-level YAML from dotted keys.
    static func yaml(_ values: [String: String]) -> String {
        var sections: [String: [(String, String)]] = [:]
        for (key, value) in values {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            sections[parts[0], default: []].append((parts[1], value))
        }
        return sections.keys.sorted().map { section in
            "\(section):\n" + (sections[section] ?? []).sorted { $0.0 < $1.0 }.map { "  \($0.0): \($0.1)\n" }.joined()
        }.joined()
    }

    var outboxPath: String { directory.appendingPathComponent("outbox").path }

    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Writes `text` to a file in the workspace and returns its path.
    @discardableResult
    func write(_ name: String, _ text: String) throws -> String {
        let path = path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The global options every run gets: this workspace's configuration and the repository's templates.
    func standardArguments(_ arguments: [String], templates: String) -> [String] {
        arguments + ["--config", configPath, "--templates", templates]
    }

    /// Starts `mailroom <arguments> --config ... --templates ...` in the workspace.
    func start(_ arguments: [String], input: RunningCommand.Input = .none, environment: [String: String] = [:],
               templates: String = Workspace.templates) throws -> RunningCommand {
        try RunningCommand(standardArguments(arguments, templates: templates), in: directory, input: input,
                           environment: environment)
    }

    /// Runs `mailroom <arguments> ...` to completion.
    func run(_ arguments: [String], input: RunningCommand.Input = .none, environment: [String: String] = [:],
             templates: String = Workspace.templates) async throws -> CommandResult {
        try await start(arguments, input: input, environment: environment, templates: templates).wait()
    }

    // MARK: - The outbox, as the CLI reports it

    func status() async throws -> OutboxStatusJSON {
        let result = try await run(["outbox", "status", "--json"])
        guard result.status == 0 else { throw WorkspaceError(description: "\(result)") }
        return try JSONDecoder.snakeCase.decode(OutboxStatusJSON.self, from: Data(result.stdoutBytes))
    }

    func list(state: String? = nil) async throws -> [ListedMessage] {
        let result = try await run(["outbox", "list", "--json"] + (state.map { ["--state", $0] } ?? []))
        guard result.status == 0 else { throw WorkspaceError(description: "\(result)") }
        return try result.stdoutLines.map { try JSONDecoder.snakeCase.decode(ListedMessage.self, from: Data($0.utf8)) }
    }

    func show(_ eventID: String) async throws -> ShownMessage {
        let result = try await run(["outbox", "show", eventID, "--json"])
        guard result.status == 0 else { throw WorkspaceError(description: "\(result)") }
        return try JSONDecoder.snakeCase.decode(ShownMessage.self, from: Data(result.stdoutBytes))
    }

    /// The stored message's bytes, read with `sqlite3`: the bytes the outbox promises were sent.
    func storedMessage(_ eventID: String) throws -> [UInt8] {
        guard let bytes = try OutboxDatabase(outbox: outboxPath).messageBytes(eventID) else {
            throw WorkspaceError(description: "no stored message \(eventID)")
        }
        return bytes
    }

    /// Every regular file under the outbox, with its contents.
    func outboxFiles() throws -> [(path: String, bytes: Data)] {
        guard let walker = FileManager.default.enumerator(atPath: outboxPath) else { return [] }
        var files: [(String, Data)] = []
        for case let relative as String in walker {
            let full = outboxPath + "/" + relative
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append((relative, try Data(contentsOf: URL(fileURLWithPath: full))))
            }
        }
        return files
    }
}

struct WorkspaceError: Error, CustomStringConvertible {
    var description: String
}

extension JSONDecoder {
    static var snakeCase: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }
}

/// `outbox status --json`.
struct OutboxStatusJSON: Decodable, Sendable {
    var counts: [String: Int]
    var total: Int
    var rejected: Int
    var duplicates: Int
    var nextRetryAt: String?

    func count(_ state: String) -> Int { counts[state, default: 0] }
}

/// One line of `outbox list --json`.
struct ListedMessage: Decodable, Sendable {
    var eventId: String
    var eventType: String
    var template: String
    var locale: String?
    var state: String
    var messageId: String
    var recipients: [String]
    var attempts: Int
    var nextAttemptAt: String?
}

/// `outbox show ID --json`.
struct ShownMessage: Decodable, Sendable {
    struct Entry: Decodable, Sendable {
        var kind: String
        var state: String
        var attempt: Int?
        var classification: String?
    }

    var eventId: String
    var state: String
    var messageId: String
    var attempts: Int
    var journal: [Entry]
    var message: String
}

/// Polls `condition` until it holds or `limit` passes; orders a test after something another
/// process does on its own. Not a timing assertion: the limit only bounds a hang.
func eventually(limit: Duration = .seconds(30), _ condition: () throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return try condition()
}
