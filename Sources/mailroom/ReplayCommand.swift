import ArgumentParser
import Foundation
import Mailroom

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Deliver stored messages again, from their exact stored bytes.",
        discussion: """
        By default: held and queued messages, and deferred ones whose next attempt is due. \
        --state deferred takes every deferred one. sent, uncertain and expired ones only with --force: \
        inspect an uncertain message (mailroom outbox show ID) before forcing it. A message whose \
        deadline (its Expires header) has passed is never attempted without --force: it becomes expired.
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

    @Flag(help: "Also deliver sent, uncertain, failed and expired messages (they may arrive twice, or late).")
    var force = false

    func run() async throws {
        try await Self.reportingFailures {
            let selection = ReplaySelection(states: states.isEmpty ? nil : Set(states), eventIDs: messages,
                                            since: try sinceDate(), force: force)
            // A dry run sends nothing, so listing force-only states needs no --force.
            if let problem = selection.problem, !dryRun { throw Failure.usage(problem) }
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
                noteUncertain(in: store)
                return ExitStatus.success
            }
            guard let transport = try runtime.transport() else {
                throw Failure.configuration("replay needs an SMTP relay: give --smtp-url, MAILROOM_SMTP_URL or smtp.url")
            }
            let reporter = TerminalReporter(verbose: global.verbose, quiet: global.quiet)
            let delivery = runtime.delivery(transport, store: store, reporter: reporter)
            let trap = SignalTrap(command: "replay")
            let summary = runner.deliver(planned, selection: selection, dispatcher: delivery.dispatcher, recorder: delivery.recorder,
                                         stop: trap.stop)
            reporter.clearProgressLine()
            if let stop = summary.configurationError { Terminal.error(stop) }
            Runtime.reportStoreFailure(summary)
            if let reason = trap.stop.reason {
                Terminal.error("replay: \(reason): the messages not attempted keep their state; run `mailroom replay` again to deliver them")
            }
            if !global.quiet || summary.exitCode != 0 {
                Terminal.error("replay: \(planned.count) selected; \(summary.line)")
            }
            noteUncertain(in: store)
            return summary.exitCode
        }
    }

    /// A plain replay leaves `uncertain` messages alone; say how many wait for a decision, and how
    /// to make it, so that they are not forgotten.
    private func noteUncertain(in store: any OutboxStore) {
        guard !global.quiet, states.isEmpty, messages.isEmpty, !force else { return }
        let count: Int
        do { count = try store.status().counts[.uncertain, default: 0] } catch { return }
        guard count > 0 else { return }
        Terminal.error("replay: \(count) uncertain message(s) not replayed: each may already have arrived. "
                       + "Look at them with `mailroom outbox list --state uncertain` and `mailroom outbox show ID`; "
                       + "deliver one again with `mailroom replay --message ID --force`")
    }

    private func sinceDate() throws -> Date? {
        try TimeArgument.parse(since, option: "--since")
    }
}

extension MessageState: ExpressibleByArgument {}
