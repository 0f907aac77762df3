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

    @Flag(name: .customLong("from-table"),
          help: "Take the events an application committed into the PostgreSQL outbox's events table, until none is left.")
    var fromTable = false

    @Flag(help: "With --from-table: keep looking for new rows until SIGTERM or SIGINT.")
    var follow = false

    @Option(name: .customLong("poll-interval"), help: "With --follow: how often to look for new rows (e.g. 500ms, 2s).")
    var pollInterval: String = "1s"

    func validate() throws {
        if fromTable && !files.isEmpty { throw ValidationError("--from-table reads no files") }
        if follow && !fromTable { throw ValidationError("--follow goes with --from-table") }
        if DurationText.parse(pollInterval) == nil {
            throw ValidationError("--poll-interval: expected a duration such as 500ms or 2s, found '\(pollInterval)'")
        }
    }

    func run() async throws {
        try await Self.reportingFailures {
            // First: a SIGTERM while the outbox is being opened is a stop like any other.
            let trap = SignalTrap(command: "send")
            let runtime = try await Runtime.load(global)
            let factory = try runtime.factory()
            let transport = try runtime.transport()
            let inputs = fromTable ? [] : try openInputs()
            let store = try runtime.outbox()
            let table = store as? any EventTable
            if fromTable && table == nil {
                throw Failure.usage("send --from-table needs the outbox in PostgreSQL (outbox.url, or --outbox postgresql://...)")
            }
            let reporter = TerminalReporter(verbose: global.verbose, quiet: global.quiet)
            let delivery = transport.map { runtime.delivery($0, store: store, reporter: reporter) }
            let pipeline = SendPipeline(factory: factory, store: store, delivery: delivery, reporter: reporter,
                                        logger: runtime.logger)
            if let table, fromTable {
                pipeline.consume(table: table, follow: follow, pollInterval: DurationText.parse(pollInterval) ?? .seconds(1),
                                 stop: trap.stop)
            }
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
                Terminal.error("no SMTP URL is configured: \(summary.held) message(s) kept as held in \(store.location); deliver them with `mailroom replay --smtp-url smtp://HOST:PORT`")
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
