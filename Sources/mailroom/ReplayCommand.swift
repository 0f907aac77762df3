import ArgumentParser
import Foundation
import Mailroom

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Deliver stored messages again, from their exact stored bytes.",
        discussion: """
        By default: held and queued messages, and deferred ones whose next attempt is due. \
        --state deferred takes every deferred one. sent and uncertain ones only with --force: \
        inspect an uncertain message (mailroom outbox show ID) before forcing it.
        """)

    @OptionGroup var global: GlobalOptions

    @Option(name: .customLong("state"), help: "Only messages in this state (repeatable).")
    var states: [MessageState] = []

    @Option(name: .customLong("message"), help: "Only this event id (repeatable).")
    var messages: [String] = []

    @Option(help: "Only messages stored since this time: RFC 3339 (2026-11-28T09:00:00Z) or an age (2h, 3d).")
    var since: String?

    @Flag(help: "List what would be delivered; deliver nothing.")
    var dryRun = false

    @Flag(help: "Also deliver sent, uncertain and failed messages (they may arrive twice).")
    var force = false

    func run() async throws {
        try await Self.reportingFailures {
            let selection = ReplaySelection(states: states.isEmpty ? nil : Set(states), eventIDs: messages,
                                            since: try sinceDate(), force: force)
            if let problem = selection.problem { throw Failure.usage(problem) }
            let runtime = try await Runtime.load(global)
            let store = try runtime.outbox(create: false)
            let runner = ReplayRunner(store: store, logger: runtime.logger)
            let planned: [MessageRecord]
            do {
                planned = try runner.plan(selection)
            } catch let error as OutboxError {
                throw Failure.outbox(error)
            }
            if dryRun {
                for record in planned {
                    Terminal.out("\(record.eventID)\t\(record.state.rawValue)\t\(record.recipients.joined(separator: ","))\tattempts \(record.attempts)")
                }
                if !global.quiet { Terminal.error("replay --dry-run: \(planned.count) message(s) would be delivered") }
                return ExitStatus.success
            }
            guard let transport = try runtime.transport() else {
                throw Failure.configuration("replay needs an SMTP relay: give --smtp-url, MAILROOM_SMTP_URL or smtp.url")
            }
            let reporter = TerminalReporter(verbose: global.verbose, quiet: global.quiet)
            let delivery = runtime.delivery(transport, store: store, reporter: reporter)
            let summary = runner.deliver(planned, selection: selection, dispatcher: delivery.dispatcher, recorder: delivery.recorder)
            reporter.clearProgressLine()
            if let stop = summary.configurationError { Terminal.error(stop) }
            Runtime.reportStoreFailure(summary)
            if !global.quiet || summary.exitCode != 0 {
                Terminal.error("replay: \(planned.count) selected; \(summary.line)")
            }
            return summary.exitCode
        }
    }

    private func sinceDate() throws -> Date? {
        try TimeArgument.parse(since, option: "--since")
    }
}

extension MessageState: ExpressibleByArgument {}
