import Foundation
import MailroomTesting

/// A workspace whose outbox is a schema of its own in the test process's PostgreSQL cluster,
/// with the password given as `MAILROOM_OUTBOX_PASSWORD` to every run.
struct PostgresWorkspace: Sendable {
    let cluster: PostgresTestCluster
    let schema: String
    let workspace: Workspace

    init(config: [String: String?] = [:], cluster: PostgresTestCluster? = nil) throws {
        self.cluster = try cluster ?? PostgresTestCluster.shared
        schema = PostgresTestCluster.freshSchema()
        var merged = config
        merged["outbox.url"] = "\"\(self.cluster.url(schema: schema))\""
        workspace = try Workspace(config: merged)
    }

    var url: String { cluster.url(schema: schema) }
    var environment: [String: String] { ["MAILROOM_OUTBOX_PASSWORD": cluster.password] }

    func run(_ arguments: [String], input: RunningCommand.Input = .none, environment extra: [String: String] = [:])
        async throws -> CommandResult
    {
        try await workspace.run(arguments, input: input, environment: environment.merging(extra) { $1 })
    }

    func start(_ arguments: [String], input: RunningCommand.Input = .none) throws -> RunningCommand {
        try workspace.start(arguments, input: input, environment: environment)
    }

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

    /// Inserts `events` into `<schema>.events` in one transaction of psql's, as an application
    /// would; `then` is `COMMIT` or `ROLLBACK`.
    func insertEvents(_ events: [String], then end: String = "COMMIT") throws {
        guard !events.isEmpty else { return }
        let values = events.map { "($mr$\($0)$mr$)" }.joined(separator: ", ")
        try cluster.psql("BEGIN; INSERT INTO \(schema).events (event) VALUES \(values); \(end);")
    }

    /// The rows left in `<schema>.events`.
    func pendingEvents() throws -> Int {
        Int(try cluster.psql("SELECT count(*) FROM \(schema).events").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
