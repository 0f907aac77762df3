import ArgumentParser
import Foundation
import Mailroom

struct OutboxCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Inspect the outbox: the queue and the audit trail.",
        subcommands: [Status.self, List.self, Show.self])

    static func open(_ global: GlobalOptions) async throws -> Outbox {
        let runtime = try await Runtime.load(global)
        do {
            // Reading only: no recovery, nothing created.
            return try Outbox(path: runtime.settings.outboxPath, create: false)
        } catch {
            throw Failure.configuration("outbox: \(error)")
        }
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Counts per state, oldest unsent age, next retry time.")
        @OptionGroup var global: GlobalOptions
        @Flag(help: "One JSON document.") var json = false

        func run() async throws {
            try await Self.reportingFailures {
                let outbox = try await OutboxCommand.open(global)
                let status: OutboxStatus
                do { status = try outbox.status() } catch { throw Failure.configuration("outbox: \(error)") }
                if json {
                    Terminal.out(OutboxJSON.text(OutboxJSON.status(status, path: outbox.path)))
                    return ExitStatus.success
                }
                let counts = MessageState.allCases.map { "\($0.rawValue) \(status.counts[$0, default: 0])" }
                Terminal.out("outbox \(outbox.path): \(status.total) message(s)")
                Terminal.out("  " + counts.joined(separator: ", "))
                Terminal.out("  rejected events \(status.rejected), duplicate events \(status.duplicates)" +
                             (status.unreadable > 0 ? ", unreadable \(status.unreadable)" : ""))
                if let age = status.oldestUnsentAge, let at = status.oldestUnsentAt {
                    Terminal.out("  oldest unsent: \(OutboxJSON.age(age)) old (stored \(OutboxJSON.timestamp(at)))")
                }
                if let next = status.nextRetryAt { Terminal.out("  next retry: \(OutboxJSON.timestamp(next))") }
                return ExitStatus.success
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One line per message (one JSON object per line with --json).")
        @OptionGroup var global: GlobalOptions
        @Option(name: .customLong("state"), help: "Only this state (repeatable).") var states: [MessageState] = []
        @Flag(help: "One JSON object per line.") var json = false

        func run() async throws {
            try await Self.reportingFailures {
                let outbox = try await OutboxCommand.open(global)
                let records: [MessageRecord]
                do { records = try outbox.records(states: states.isEmpty ? nil : Set(states)) } catch {
                    throw Failure.configuration("outbox: \(error)")
                }
                for record in records.sorted(by: { ($0.createdAt, $0.eventID) < ($1.createdAt, $1.eventID) }) {
                    if json {
                        Terminal.out(OutboxJSON.text(OutboxJSON.record(record)))
                    } else {
                        var line = "\(record.eventID)\t\(record.state.rawValue)\t\(record.template)\t\(record.recipients.joined(separator: ","))\tattempts \(record.attempts)"
                        if let reply = record.lastReply { line += "\t\(reply)" }
                        if let next = record.nextAttemptAt, record.state == .deferred { line += "\tnext \(OutboxJSON.timestamp(next))" }
                        Terminal.out(line)
                    }
                }
                return ExitStatus.success
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "One message in full: record, journal, source event and exact bytes.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The event id.") var id: String
        @Flag(help: "One JSON document.") var json = false

        func run() async throws {
            try await Self.reportingFailures {
                let outbox = try await OutboxCommand.open(global)
                let record: MessageRecord
                let journal: [JournalEntry]
                let bytes: [UInt8]
                let event: [UInt8]
                do {
                    guard let found = try outbox.record(eventID: id) else { throw Failure.usage("no message for event \(id) in \(outbox.path)") }
                    record = found
                    journal = try outbox.journal(eventID: id)
                    bytes = try outbox.messageBytes(eventID: id)
                    event = try outbox.sourceEvent(eventID: id)
                } catch let failure as Failure {
                    throw failure
                } catch {
                    throw Failure.usage("cannot read message \(id): \(error)")
                }
                if json {
                    var document = OutboxJSON.record(record)
                    document["journal"] = journal.map(OutboxJSON.journalEntry)
                    document["event"] = String(decoding: event, as: UTF8.self)
                    document["message"] = String(decoding: bytes, as: UTF8.self)
                    Terminal.out(OutboxJSON.text(document))
                    return ExitStatus.success
                }
                Terminal.out("\(record.eventID): \(record.state.rawValue), \(record.template) (\(record.locale ?? "en")) to \(record.recipients.joined(separator: ", "))")
                Terminal.out("Message-ID \(record.messageID), stored \(OutboxJSON.timestamp(record.createdAt)), \(record.attempts) attempt(s)")
                Terminal.out("\njournal:")
                for entry in journal { Terminal.out("  " + OutboxJSON.journalLine(entry)) }
                Terminal.out("\nsource event:\n" + String(decoding: event, as: UTF8.self))
                Terminal.out("\nmessage (\(bytes.count) bytes):")
                Terminal.outRaw(bytes)
                return ExitStatus.success
            }
        }
    }
}
