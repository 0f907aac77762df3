import ArgumentParser
import Foundation
import Mailroom

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Validate, render, store in the outbox and deliver events (NDJSON).",
        discussion: """
        Reads each FILE in turn; `-` or no FILE reads standard input as a stream, handling each \
        event as it arrives. With no SMTP URL configured the messages are stored as `held`.
        """)

    @OptionGroup var global: GlobalOptions

    @Argument(help: "NDJSON files of events; - for standard input.")
    var files: [String] = []

    func run() async throws {
        try await Self.reportingFailures {
            let runtime = try await Runtime.load(global)
            let factory = try runtime.factory()
            let transport = try runtime.transport()
            let inputs = try openInputs()
            let store = try runtime.outbox()
            let reporter = TerminalReporter(verbose: global.verbose, quiet: global.quiet)
            let delivery = transport.map { runtime.delivery($0, store: store, reporter: reporter) }
            let pipeline = SendPipeline(factory: factory, store: store, delivery: delivery, reporter: reporter,
                                        logger: runtime.logger)
            let trap = SignalTrap(command: "send")
            for (name, handle) in inputs {
                pipeline.consume(EventStreamReader(fileHandle: handle), source: name, stop: trap.stop)
            }
            let summary = pipeline.finish()
            reporter.clearProgressLine()
            if let stop = summary.configurationError { Terminal.error(stop) }
            Runtime.reportStoreFailure(summary)
            if let reason = trap.stop.reason, summary.notAttempted > 0 {
                Terminal.error("send: \(reason): \(summary.notAttempted) stored message(s) not attempted stay in the outbox; "
                               + "deliver them with `mailroom replay`")
            }
            if !global.quiet || summary.exitCode != 0 { Terminal.error("send: \(summary.line)") }
            if transport == nil && summary.held > 0 && !global.quiet {
                Terminal.error("no SMTP URL is configured: \(summary.held) message(s) kept as held in \(runtime.settings.outboxPath); deliver them with `mailroom replay --smtp-url smtp://HOST:PORT`")
            }
            return summary.exitCode
        }
    }

    /// Opens every input before anything is stored, so a typo in a file name sends nothing.
    private func openInputs() throws -> [(String, FileHandle)] {
        let names = files.isEmpty ? ["-"] : files
        return try names.map { name in
            if name == "-" { return ("-", FileHandle.standardInput) }
            guard let handle = FileHandle(forReadingAtPath: name) else {
                throw Failure.usage("cannot open \(name): no such file or not readable")
            }
            return (name, handle)
        }
    }
}
