import ArgumentParser
import Foundation
import Mailroom

extension OutboxCommand {
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Apply the retention policy: redact, then delete, old messages in a terminal state.",
            discussion: """
            retention.redact_after (e.g. 90d): a sent, failed or expired message stored longer ago loses its \\
            bytes, its source event and its recipient's address and name (kept as a keyed hash, with the key \\
            of retention.hash_key_file), and keeps its event id, type, template, locale, Message-ID, a SHA-256 \\
            of the bytes sent, its times, attempts and the relay's replies. retention.delete_after (e.g. 10y): \\
            such a message is deleted with its journal. Messages not yet delivered, and uncertain ones, are \\
            never touched. Rejected input lines are redacted and deleted on the same schedule.
            """)
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Say what would be redacted and deleted; change nothing.") var dryRun = false

        func run() async throws {
            try await Self.reportingFailures {
                let runtime = try await Runtime.load(global)
                let policy = runtime.settings.retention
                guard policy.redactAfter != nil || policy.deleteAfter != nil else {
                    throw Failure.configuration("outbox prune: no retention policy; set retention.redact_after "
                                                + "and/or retention.delete_after (e.g. 90d, 10y)")
                }
                let hashes: RedactionHashes
                if policy.redactAfter != nil {
                    guard let keyFile = policy.hashKeyFile else {
                        throw Failure.configuration("retention.redact_after needs retention.hash_key_file: the key of the "
                                                    + "recipients' keyed hash (at least 32 random bytes, mode 600)")
                    }
                    hashes = try RedactionKey.load(keyFile).hashes
                } else {
                    // Deleting keeps nothing, so no hash is ever computed.
                    hashes = RedactionHashes(recipient: { _ in "" }, content: { _ in "" })
                }
                let store = try runtime.outbox(create: false, recover: false)
                let report = try OutboxCommand.reading { () throws(OutboxError) in
                    try store.prune(policy.request(now: Date(), hashes: hashes, dryRun: dryRun))
                }
                let verb = dryRun ? "would redact" : "redacted"
                var parts: [String] = []
                if let redact = policy.redactAfter {
                    parts.append("\(verb) \(report.redacted) message(s) and \(report.rejectedRedacted) rejected line(s) "
                                 + "older than \(DurationText.format(redact))")
                }
                if let delete = policy.deleteAfter {
                    parts.append("\(dryRun ? "would delete" : "deleted") \(report.deleted) message(s) and "
                                 + "\(report.rejectedDeleted) rejected line(s) older than \(DurationText.format(delete))")
                }
                Terminal.out("outbox prune\(dryRun ? " --dry-run" : ""): " + parts.joined(separator: "; "))
                if report.uncertainKept > 0 {
                    Terminal.error("outbox prune: \(report.uncertainKept) uncertain message(s) are old enough to redact but are "
                                   + "kept whole until someone decides: `mailroom outbox list --state uncertain`")
                }
                return ExitStatus.success
            }
        }
    }
}
