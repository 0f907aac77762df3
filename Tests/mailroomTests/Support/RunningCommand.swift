import Foundation
import MailroomTesting

/// What one run of the `mailroom` binary did.
struct CommandResult: Sendable, CustomStringConvertible {
    var arguments: [String]
    /// The exit status, or the signal number when `signalled`.
    var status: Int32
    var signalled: Bool
    var stdoutBytes: [UInt8]
    var stderr: String

    var stdout: String { String(decoding: stdoutBytes, as: UTF8.self) }
    var stdoutLines: [String] { stdout.split(separator: "\n").map(String.init) }
    var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }
    /// Both streams, for assertions about what the operator sees anywhere.
    var output: String { stdout + stderr }

    var description: String {
        "mailroom \(arguments.joined(separator: " ")) -> \(signalled ? "signal" : "exit") \(status)\n"
            + "stdout: \(stdout.prefix(2000))\nstderr: \(stderr.prefix(4000))"
    }
}

/// A `mailroom` process started by a test; its output goes to files so that no pipe fills up.
final class RunningCommand: @unchecked Sendable {
    // @unchecked: Process and Pipe are thread-safe enough for what is used here (run, kill, wait).
    let arguments: [String]
    let process: Process
    /// The write end of stdin when the test feeds it through a pipe.
    let stdinPipe: Pipe?
    private let stdoutURL: URL
    private let stderrURL: URL
    private let exit: AsyncStream<Void>

    /// The `mailroom` binary built with these tests: beside the test runner (SwiftPM puts products
    /// and the runner in one directory, whatever the build path), else `.build/debug/mailroom`.
    static let binary: String = {
        let runner = URL(fileURLWithPath: CommandLine.arguments.first ?? "").resolvingSymlinksInPath()
        var directory = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("mailroom").path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
               FileManager.default.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
            directory = directory.deletingLastPathComponent()
        }
        return TestServer.packageRoot.appendingPathComponent(".build/debug/mailroom").path
    }()

    enum Input {
        case none
        case file(String)
        case pipe
    }

    init(_ arguments: [String], in directory: URL, input: Input, environment: [String: String]) throws {
        self.arguments = arguments
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw WorkspaceError(description: "\(Self.binary) is missing: build it with `swift build --build-tests`")
        }
        let tag = UUID().uuidString.prefix(8)
        stdoutURL = directory.appendingPathComponent(".run-\(tag).out")
        stderrURL = directory.appendingPathComponent(".run-\(tag).err")
        for url in [stdoutURL, stderrURL] { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        // Hermetic: nothing from the developer's shell (MAILROOM_*) leaks into a test.
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MAILROOM_") }
        env.merge(environment) { $1 }
        process.environment = env
        process.standardOutput = try FileHandle(forWritingTo: stdoutURL)
        process.standardError = try FileHandle(forWritingTo: stderrURL)
        switch input {
        case .none:
            stdinPipe = nil
            process.standardInput = FileHandle.nullDevice
        case .file(let path):
            stdinPipe = nil
            process.standardInput = FileHandle(forReadingAtPath: path)
        case .pipe:
            let pipe = Pipe()
            stdinPipe = pipe
            process.standardInput = pipe
        }
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        exit = stream
        process.terminationHandler = { _ in
            continuation.yield()
            continuation.finish()
        }
        try process.run()
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// Sends SIGKILL: the process gets no chance to clean up.
    func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
    }

    /// Feeds stdin (for `Input.pipe`).
    func write(_ text: String) throws {
        try stdinPipe?.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    func closeInput() throws {
        try stdinPipe?.fileHandleForWriting.close()
    }

    /// What the process has written to stderr so far.
    func stdoutSoFar() -> String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

    func stderrSoFar() -> String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// Waits for the process to end without blocking a thread of the cooperative pool.
    func wait() async -> CommandResult {
        for await _ in exit {}
        return waitBlocking()  // already exited: returns at once
    }

    /// Blocks the calling thread until the process ends; for callers on their own threads, not
    /// in the cooperative pool.
    func waitBlocking() -> CommandResult {
        process.waitUntilExit()
        let stdout = (try? Data(contentsOf: stdoutURL)).map { Array($0) } ?? []
        let stderr = (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? ""
        return CommandResult(arguments: arguments, status: process.terminationStatus,
                             signalled: process.terminationReason == .uncaughtSignal,
                             stdoutBytes: stdout, stderr: stderr)
    }
}
