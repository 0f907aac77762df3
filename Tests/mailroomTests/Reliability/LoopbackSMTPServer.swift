import Foundation

/// A Python SMTP server from Tests/Support on 127.0.0.1, started for one test and stopped when
/// released: the capture server (aiosmtpd) or the scripted fault server.
///
/// The server prints its port on its first stdout line and exits when its stdin reaches EOF, so a
/// crashed test run leaves no server behind.
final class LoopbackSMTPServer: @unchecked Sendable {
    let port: Int
    /// A fresh temporary directory for the server's output.
    let directory: URL
    private let process: Process
    private let stdinPipe: Pipe
    private let lock = NSLock()
    private var stopped = false

    struct StartError: Error, CustomStringConvertible {
        var description: String
    }

    /// Starts `/usr/bin/python3 Tests/Support/<script> <arguments>`; `arguments` may use the directory.
    init(script: String, arguments: (URL) -> [String]) throws {
        directory = try ReliabilityPaths.temporaryDirectory("server")
        let stdout = Pipe()
        stdinPipe = Pipe()
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        process.arguments = [ReliabilityPaths.support(script)] + arguments(directory)
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

    /// The scripted fault server following `script` (see scripted_smtp_server.py).
    static func scripted(_ script: String) throws -> LoopbackSMTPServer {
        try LoopbackSMTPServer(script: "scripted_smtp_server.py") { dir in
            ["--script", script, "--log", dir.appendingPathComponent("log.jsonl").path]
        }
    }

    /// The aiosmtpd capture server; `extra` adds TLS and AUTH options.
    static func capture(_ extra: [String] = []) throws -> LoopbackSMTPServer {
        try LoopbackSMTPServer(script: "smtp_capture_server.py") { dir in ["--outdir", dir.path] + extra }
    }

    func stop() {
        lock.lock()
        defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        try? stdinPipe.fileHandleForWriting.close()
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { stop() }

    /// Scripted server: every record of its log, in order.
    func log() -> [[String: Any]] {
        guard let data = try? Data(contentsOf: directory.appendingPathComponent("log.jsonl")) else { return [] }
        return data.split(separator: UInt8(ascii: "\n")).compactMap {
            (try? JSONSerialization.jsonObject(with: Data($0))) as? [String: Any]
        }
    }

    /// Capture server: the messages received (the `.eml` files), in order.
    func capturedMessages() -> [Data] {
        var messages: [Data] = []
        var number = 1
        while let data = try? Data(contentsOf: directory.appendingPathComponent("\(number).eml")) {
            messages.append(data)
            number += 1
        }
        return messages
    }
}
