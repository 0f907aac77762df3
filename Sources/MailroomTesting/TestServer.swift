import Foundation

/// A Python SMTP server from Tests/Support, started for one test and stopped when released.
///
/// The server prints its port on its first stdout line. It also exits when its stdin reaches
/// EOF, so a crashed test run does not leave servers behind. Shared by the SMTP transport tests
/// and the end-to-end tests of the `mailroom` binary.
public final class TestServer: @unchecked Sendable {
    // @unchecked: `stopped` is only touched by `stop()`, which a test calls from one task at a time.
    public let port: Int
    /// A fresh temporary directory for the server's output and the test's files.
    public let directory: URL
    private let process: Process
    private let stdinPipe: Pipe
    private var stopped = false

    public struct StartError: Error, CustomStringConvertible {
        public var description: String
        public init(description: String) { self.description = description }
    }

    /// The package's root directory, found from this file's place in `Sources/MailroomTesting/`.
    public static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/Support/<name>`: the Python helpers the tests run with `/usr/bin/python3`.
    public static func supportFile(_ name: String) -> String {
        packageRoot.appendingPathComponent("Tests/Support").appendingPathComponent(name).path
    }

    public static func makeTemporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Starts `/usr/bin/python3 Tests/Support/<script> <arguments>`; `arguments` may use the
    /// directory it is given.
    public init(script: String, arguments: (URL) -> [String]) throws {
        directory = try Self.makeTemporaryDirectory()
        let stdout = Pipe()
        stdinPipe = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [Self.supportFile(script)] + arguments(directory)
        process.standardInput = stdinPipe
        process.standardOutput = stdout
        let stderrURL = directory.appendingPathComponent("server-stderr.txt")
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        try process.run()
        var line = Data()
        while !line.contains(UInt8(ascii: "\n")) {
            let chunk = stdout.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            line.append(chunk)
        }
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let port = Int(text) else {
            let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
            process.terminate()
            throw StartError(description: "\(script) did not print a port (got '\(text)'): \(stderr)")
        }
        self.port = port
    }

    public func stop() {
        guard !stopped else { return }
        stopped = true
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    public func file(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

extension TestServer {
    /// The aiosmtpd capture server; `extra` adds TLS and AUTH options.
    public static func capture(_ extra: [String] = []) throws -> TestServer {
        try TestServer(script: "smtp_capture_server.py") { dir in ["--outdir", dir.path] + extra }
    }

    /// The scripted fault server following `script` (see scripted_smtp_server.py).
    public static func scripted(_ script: String) throws -> TestServer {
        try TestServer(script: "scripted_smtp_server.py") { dir in
            ["--script", script, "--log", dir.appendingPathComponent("log.jsonl").path]
        }
    }

    /// Capture server: the bytes of message `number` (from 1) as received.
    public func capturedMessage(_ number: Int) throws -> [UInt8] {
        Array(try Data(contentsOf: file("\(number).eml")))
    }

    /// Capture server: the envelope record of message `number`.
    public func capturedEnvelope(_ number: Int) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: file("\(number).json"))) as? [String: Any] ?? [:]
    }

    /// Capture server: counts of connections, EHLO commands and messages.
    public func stats() throws -> [String: Int] {
        try JSONSerialization.jsonObject(with: Data(contentsOf: file("stats.json"))) as? [String: Int] ?? [:]
    }

    /// Scripted server: every record of its log, in order.
    public func log() throws -> [[String: Any]] {
        guard let data = try? Data(contentsOf: file("log.jsonl")) else { return [] }
        return try data.split(separator: UInt8(ascii: "\n")).map {
            try JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] ?? [:]
        }
    }

    /// Scripted server: the command lines it received.
    public func receivedLines() throws -> [String] { try log().compactMap { $0["line"] as? String } }

    /// Waits (up to `limit`) until the scripted server logged `event`; used to order a test after
    /// something the server does on its own, not to measure time.
    public func waitForEvent(_ event: String, limit: Duration = .seconds(10)) throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try log().contains(where: { $0["event"] as? String == event }) { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return false
    }
}
