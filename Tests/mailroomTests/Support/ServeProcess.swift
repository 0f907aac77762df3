import Foundation
import MailroomTesting

/// A `mailroom serve` started by a test on a free loopback port (`--listen 127.0.0.1:0`; the port
/// is read from the line it logs once listening), spoken to with curl and Python's urllib.
final class ServeProcess: @unchecked Sendable {
    let command: RunningCommand
    let port: Int
    let workspace: Workspace

    init(_ workspace: Workspace, arguments: [String] = [], input: RunningCommand.Input = .none,
         environment: [String: String] = [:]) async throws {
        self.workspace = workspace
        let command = try workspace.start(["serve", "--listen", "127.0.0.1:0"] + arguments, input: input, environment: environment)
        self.command = command
        var found: Int?
        let listening = try await eventually {
            let text = command.stderrSoFar()
            if let range = text.range(of: "listening on http://127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
            }
            return found != nil || !command.process.isRunning
        }
        guard listening, let found else {
            command.kill()
            throw WorkspaceError(description: "serve did not start: \(command.stderrSoFar())")
        }
        port = found
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// One HTTP exchange: status, headers (lower-cased names) and body.
    struct Reply: Sendable, CustomStringConvertible {
        var status: Int
        var headers: [String: String]
        var body: String

        var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:]
        }

        /// `results[].result` of an intake reply, in order.
        var results: [String] {
            (json["results"] as? [[String: Any]] ?? []).compactMap { $0["result"] as? String }
        }

        var description: String { "HTTP \(status) \(headers) \(body.prefix(2000))" }
    }

    /// `curl` to `path`: a POST of `body` when given.
    func curl(_ path: String, body: String? = nil, contentType: String? = "application/x-ndjson",
              headers: [String] = []) async throws -> Reply {
        let tag = UUID().uuidString.prefix(8)
        let bodyFile = workspace.path(".curl-\(tag).body")
        let headerFile = workspace.path(".curl-\(tag).headers")
        var arguments = ["-sS", "-o", bodyFile, "-D", headerFile, "-w", "%{http_code}", "--max-time", "60"]
        if let body {
            let dataFile = try workspace.write(".curl-\(tag).data", body)
            arguments += ["-X", "POST", "--data-binary", "@\(dataFile)"]
            arguments += ["-H", "Content-Type: \(contentType ?? "")"]
        }
        for header in headers { arguments += ["-H", header] }
        let output = try await Self.run("/usr/bin/curl", arguments + [url + path])
        let headerText = (try? String(contentsOfFile: headerFile, encoding: .utf8)) ?? ""
        var fields: [String: String] = [:]
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            fields[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1, headers: fields,
                     body: (try? String(contentsOfFile: bodyFile, encoding: .utf8)) ?? "")
    }

    /// The same with Python's urllib (Tests/Support/http_client.py).
    func urllib(_ path: String, body: String? = nil, contentType: String = "application/json") async throws -> Reply {
        var arguments = [TestServer.supportFile("http_client.py"), url + path]
        if let body {
            arguments += ["--data", try workspace.write(".urllib-\(UUID().uuidString.prefix(8)).data", body),
                          "--content-type", contentType]
        }
        let output = try await Self.run("/usr/bin/python3", arguments)
        let object = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        let headers = (object["headers"] as? [String: String] ?? [:]).reduce(into: [String: String]()) { $0[$1.key.lowercased()] = $1.value }
        return Reply(status: object["status"] as? Int ?? -1, headers: headers, body: object["body"] as? String ?? "")
    }

    /// `/metrics` as prometheus_client's parser reads it: value per `name{label=value,...}`.
    func metrics() async throws -> [String: Double] {
        let reply = try await curl("/metrics")
        guard reply.status == 200 else { throw WorkspaceError(description: "/metrics: \(reply)") }
        let file = try workspace.write(".metrics-\(UUID().uuidString.prefix(8)).txt", reply.body)
        let output = try await Self.run("/usr/bin/python3", [TestServer.supportFile("check_metrics.py"), file])
        let parsed = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        var values: [String: Double] = [:]
        for case let sample as [Any] in parsed["samples"] as? [Any] ?? [] {
            guard sample.count == 3, let name = sample[0] as? String, let labels = sample[1] as? [String: String],
                  let value = sample[2] as? Double else { continue }
            let key = labels.isEmpty ? name : name + "{" + labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",") + "}"
            values[key] = value
        }
        return values
    }

    /// Sends SIGTERM and waits for the exit.
    func terminate(_ signal: Int32 = SIGTERM) async -> CommandResult {
        kill(command.processIdentifier, signal)
        return await command.wait()
    }

    /// Runs a helper program to its end; its stdout, or an error with its stderr.
    static func run(_ program: String, _ arguments: [String]) async throws -> String {
        try await Task.detached {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: program)
            process.arguments = arguments
            let out = Pipe()
            let err = Pipe()
            process.standardOutput = out
            process.standardError = err
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let data = out.fileHandleForReading.readDataToEndOfFile()
            let errors = err.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw WorkspaceError(description: "\(program) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): "
                                     + String(decoding: errors, as: UTF8.self))
            }
            return String(decoding: data, as: UTF8.self)
        }.value
    }
}

/// ``eventually(limit:_:)`` for conditions that ask a process (`outbox status`, an HTTP request).
func eventuallyAsync(limit: Duration = .seconds(30), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
