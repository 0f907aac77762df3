import ArgumentParser
import Foundation
import Mailroom

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Inspect the outbox: the queue and the audit trail.",
        subcommands: [Status.self, List.self, Show.self, Export.self, Prune.self])

    /// Opens the outbox to read it: nothing is created, no lease is touched.
    static func open(_ global: GlobalOptions) async throws -> any OutboxStore {
        try await Runtime.load(global).outbox(create: false, recover: false)
    }

    /// Runs a store read, turning its failure into the command's.
    static func reading<T>(_ body: () throws(OutboxError) -> T) throws -> T {
        do { return try body() } catch { throw Failure.outbox(error) }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts per state, oldest unsent age, next retry time.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON document.") var json = false

        func run() async throws {
            try await Self.reportingFailures {
                let store = try await OutboxCommand.open(global)
                let status = try OutboxCommand.reading { () throws(OutboxError) in try store.status() }
                if json {
                    Terminal.out(OutboxJSON.text(OutboxJSON.status(status, location: store.location)))
                    return ExitStatus.success
                }
                let counts = MessageState.allCases.map { "\($0.rawValue) \(status.counts[$0, default: 0])" }
                Terminal.out("outbox \(store.location): \(status.total) message(s)")
                Terminal.out("  " + counts.joined(separator: ", "))
                Terminal.out("  rejected events \(status.rejected), duplicate events \(status.duplicates)"
                             + (status.leased > 0 ? ", being delivered \(status.leased)" : ""))
                if let age = status.oldestUnsentAge, let at = status.oldestUnsentAt {
                    Terminal.out("  oldest unsent: \(OutboxJSON.age(age)) old (stored \(OutboxJSON.timestamp(at)))")
                }
                if let next = status.nextRetryAt { Terminal.out("  next retry: \(OutboxJSON.timestamp(next))") }
                return ExitStatus.success
            }
        }
    }

    /// The selection options `list` and `export` share.
    struct Selection: ParsableArguments {
        @Option(name: .customLong("state"), help: "Only this state (repeatable).") var states: [MessageState] = []
        @Option(help: "Only messages stored at or after this time: RFC 3339 or an age (2h, 3d).") var since: String?
        @Option(help: "Only messages stored before this time: RFC 3339 or an age (2h, 3d).") var until: String?
        @Option(help: "Only messages to this address.") var recipient: String?
        @Option(name: .customLong("type"), help: "Only messages of this event type, e.g. account.closed.") var eventType: String?

        func filter() throws -> RecordFilter {
            RecordFilter(states: states.isEmpty ? nil : Set(states), since: try TimeArgument.parse(since, option: "--since"),
                         until: try TimeArgument.parse(until, option: "--until"), recipient: recipient,
                         eventType: eventType)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per message (one JSON object per line with --json).",
            discussion: """
            With --recipient, redacted messages to that address are listed too (after the others) when \
            retention.hash_key_file is configured: they are found by the address's keyed hash.
            """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection
        @Flag(help: "One JSON object per line.") var json = false

        func run() async throws {
            try await Self.reportingFailures {
                let runtime = try await Runtime.load(global)
                let store = try runtime.outbox(create: false, recover: false)
                var filters = [try selection.filter()]
                if let recipient = selection.recipient, let keyFile = runtime.settings.retention.hashKeyFile {
                    var redacted = filters[0]
                    redacted.recipient = nil
                    redacted.recipientHash = try RedactionKey.load(keyFile).recipientHash(recipient)
                    filters.append(redacted)
                }
                do {
                    for filter in filters {
                        try store.forEachRecord(filter) { record in
                            Terminal.out(json ? OutboxJSON.text(OutboxJSON.record(record)) : Self.line(record))
                        }
                    }
                } catch let error as OutboxError {
                    throw Failure.outbox(error)
                }
                return ExitStatus.success
            }
        }

        static func line(_ record: MessageRecord) -> String {
            var line = "\(record.eventID)\t\(record.state.rawValue)\t\(record.template)\t\(record.recipients.joined(separator: ","))\tattempts \(record.attempts)"
            if let reply = record.lastReply { line += "\t\(reply)" }
            if let next = record.nextAttemptAt, record.state == .deferred { line += "\tnext \(OutboxJSON.timestamp(next))" }
            return line
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One message in full: record, journal, source event and exact bytes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The event id.") var id: String
        @Flag(help: "One JSON document.") var json = false
        @Flag(help: "The message's exact bytes alone, as sent (to open in a mail client).") var raw = false

        func run() async throws {
            try await Self.reportingFailures {
                let store = try await OutboxCommand.open(global)
                let (found, journal, content) = try OutboxCommand.reading { () throws(OutboxError) in
                    (try store.record(eventID: id), try store.journal(eventID: id), try store.content(eventID: id))
                }
                guard let record = found, let content else {
                    throw Failure.usage("no message for event \(id) in \(store.location)")
                }
                if let redaction = record.redaction {
                    if raw {
                        throw Failure.usage("message \(id) was redacted \(OutboxJSON.timestamp(redaction.redactedAt)) by the "
                                            + "retention policy: its bytes are gone (their SHA-256 was \(redaction.contentSHA256))")
                    }
                    if json {
                        Terminal.out(OutboxJSON.text(OutboxJSON.message(record, journal: journal, content: nil)))
                        return ExitStatus.success
                    }
                    Terminal.out("\(record.eventID): \(record.state.rawValue), \(record.template) (\(record.locale ?? "en")), REDACTED "
                                 + "\(OutboxJSON.timestamp(redaction.redactedAt)) by the retention policy")
                    Terminal.out("Message-ID \(record.messageID), stored \(OutboxJSON.timestamp(record.createdAt)), \(record.attempts) attempt(s)")
                    Terminal.out("personal data removed: the message's bytes, its source event and its recipient's address and name")
                    Terminal.out("SHA-256 of the bytes sent: \(redaction.contentSHA256)")
                    Terminal.out("recipient (keyed hash): \(redaction.recipientHashes.joined(separator: ", "))")
                    Terminal.out("\njournal:")
                    for entry in journal { Terminal.out("  " + OutboxJSON.journalLine(entry)) }
                    return ExitStatus.success
                }
                if raw {
                    Terminal.outRaw(content.message.bytes)
                    return ExitStatus.success
                }
                if json {
                    Terminal.out(OutboxJSON.text(OutboxJSON.message(record, journal: journal, content: content)))
                    return ExitStatus.success
                }
                Terminal.out("\(record.eventID): \(record.state.rawValue), \(record.template) (\(record.locale ?? "en")) to \(record.recipients.joined(separator: ", "))")
                Terminal.out("Message-ID \(record.messageID), stored \(OutboxJSON.timestamp(record.createdAt)), \(record.attempts) attempt(s)")
                if let owner = record.leasedBy { Terminal.out("being delivered by \(owner)") }
                Terminal.out("\njournal:")
                for entry in journal { Terminal.out("  " + OutboxJSON.journalLine(entry)) }
                Terminal.out("\nsource event:\n" + String(decoding: content.event, as: UTF8.self))
                Terminal.out("\nmessage (\(content.message.bytes.count) bytes):")
                Terminal.outRaw(content.message.bytes)
                return ExitStatus.success
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the selected messages to DIR for audit: one .eml each, plus their events and journals as NDJSON.",
            discussion: """
            DIR (created 0700 if missing; it must be empty) receives `<event id>.eml` per message (the exact \
            bytes sent), `messages.ndjson` (one line per message: its record, source event and file name), \
            `journal.ndjson` (one line per journal entry, with its event id), and `rejected.ndjson` and \
            `duplicates.ndjson` for the same time range.
            """)
        @OptionGroup var global: GlobalOptions
        @OptionGroup var selection: Selection
        @Argument(help: "The directory to write to.") var directory: String

        func run() async throws {
            try await Self.reportingFailures {
                let store = try await OutboxCommand.open(global)
                let filter = try selection.filter()
                let exporter = try OutboxExport(directory: directory)
                do {
                    try exporter.write(store, filter: filter)
                } catch let error as OutboxError {
                    throw Failure.outbox(error)
                }
                if !global.quiet {
                    Terminal.error("outbox export: \(exporter.messages) message(s), \(exporter.rejected) rejected, \(exporter.duplicates) duplicate(s) written to \(directory)")
                }
                return ExitStatus.success
            }
        }
    }
}

/// `--since`/`--until` values: an RFC 3339 time or an age counted back from now.
enum TimeArgument {
    static func parse(_ text: String?, option: String) throws -> Date? {
        guard let text else { return nil }
        if let age = DurationText.parse(text) { return Date().addingTimeInterval(-age.seconds) }
        if let date = try? Date(text, strategy: .iso8601) { return date }
        throw Failure.usage("\(option): expected an RFC 3339 time (2026-11-28T09:00:00Z) or an age (2h, 3d), found '\(text)'")
    }
}
