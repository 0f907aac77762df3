import Foundation

/// dkimpy's verdicts (Tests/Support/verify_dkim.py), with the public keys given as DNS answers.
public enum DKIMJudge {
    public struct Verdict: Decodable, Sendable {
        public var signatures: Int
        /// Per signature, top first: `true`, `false`, or dkimpy's error.
        public var results: [Result]

        public enum Result: Decodable, Equatable, Sendable, CustomStringConvertible {
            case verdict(Bool)
            case error(String)

            public init(from decoder: any Decoder) throws {
                let container = try decoder.singleValueContainer()
                if let value = try? container.decode(Bool.self) {
                    self = .verdict(value)
                } else {
                    self = .error(try container.decode(String.self))
                }
            }

            public var description: String {
                switch self {
                case .verdict(let value): "\(value)"
                case .error(let text): text
                }
            }
        }

        /// Every signature present verified.
        public var allPass: Bool { signatures > 0 && results.allSatisfy { $0 == .verdict(true) } }
        /// No signature verified.
        public var allFail: Bool { results.allSatisfy { $0 != .verdict(true) } }
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// Verifies every message in one Python run; `dns` maps `selector._domainkey.domain` to the
    /// TXT record's text.
    public static func verify(_ messages: [[UInt8]], dns: [String: String]) throws -> [Verdict] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-dkim-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        var paths: [String] = []
        for (index, message) in messages.enumerated() {
            let url = directory.appendingPathComponent("\(index).eml")
            try Data(message).write(to: url)
            paths.append(url.path)
        }
        let job = directory.appendingPathComponent("job.json")
        try JSONSerialization.data(withJSONObject: ["dns": dns, "messages": paths]).write(to: job)
        let result = try Shell.run("/usr/bin/python3", [TestServer.supportFile("verify_dkim.py"), job.path])
        guard result.status == 0 else {
            throw Failure(description: "verify_dkim.py exited \(result.status): \(String(decoding: result.stderr, as: UTF8.self))")
        }
        let lines = result.stdout.split(separator: UInt8(ascii: "\n"))
        guard lines.count == messages.count else {
            throw Failure(description: "verify_dkim.py printed \(lines.count) verdicts for \(messages.count) messages")
        }
        return try lines.map { try JSONDecoder().decode(Verdict.self, from: Data($0)) }
    }
}

/// Runs a program to its end, with its output captured.
public enum Shell {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
    }

    public static func run(_ program: String, _ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        // The programs run here write little to stderr (a traceback at most), far below a pipe's
        // buffer, so reading stdout first cannot stall them.
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: Array(stdout), stderr: Array(stderr))
    }
}
