import Foundation
import Testing

extension HostileInputTests {
    /// Checks every expectation of every case against the outbox, stderr and the SMTP transcript,
    /// then that nothing happened that no expectation asked for.
    static func verify(_ cases: [Case], harness: HostileHarness, stderr: String) throws {
        let rejected = try harness.rejected()
        let duplicates = try harness.duplicates()
        let stored = try harness.storedMessages()
        let transcript = try harness.transcript()
        let byMessageID = Dictionary(grouping: transcript.transactions) { $0.message.message_id ?? "" }
        var expectedRejections = 0
        var expectedMessages = 0
        var expiredMessages = 0

        for item in cases {
            let name = URL(fileURLWithPath: item.file).lastPathComponent
            for expectation in item.expectations {
                let records = rejected.filter { $0.source == item.file && $0.line == expectation.line }
                var outcome = expectation.outcome
                if outcome == "either" { outcome = records.isEmpty ? "accepted" : "rejected" }
                // An "either" time that is accepted may lie in the past (year 0000): then the
                // closure confirmation is stored expired, never sent (Templates/README.md).
                if expectation.outcome == "either", outcome == "accepted", let id = expectation.event_id,
                   stored[id]?.state == "expired" {
                    expiredMessages += 1
                    continue
                }
                switch outcome {
                case "rejected":
                    expectedRejections += 1
                    checkRejected(expectation, records: records, file: item.file, stderr: stderr, name: name)
                case "accepted":
                    expectedMessages += 1
                    #expect(records.isEmpty, "\(name) line \(expectation.line) was rejected: \(records.map(\.problems))")
                    checkDelivered(expectation, stored: stored, byMessageID: byMessageID, name: name)
                case "duplicate":
                    #expect(duplicates[expectation.event_id ?? ""] ?? 0 >= 1,
                            "\(name) line \(expectation.line) not counted as a duplicate")
                default:
                    Issue.record("\(name): unknown outcome \(expectation.outcome)")
                }
            }
        }
        // Nothing beyond what the manifest asks for: no extra rejection, message, delivery or command.
        #expect(rejected.count == expectedRejections)
        #expect(stored.count == expectedMessages + expiredMessages)
        #expect(transcript.transactions.count == expectedMessages)
        #expect(byMessageID.count == transcript.transactions.count, "a message was delivered twice")
        #expect(transcript.unexpected == [], "the SMTP server saw: \(transcript.unexpected.prefix(5))")
        #expect(transcript.transactions.allSatisfy { $0.mail == sender && $0.rcpt.count == 1 })
    }

    static func checkRejected(_ expectation: Expectation, records: [HostileHarness.Rejected], file: String,
                              stderr: String, name: String) {
        let path = expectation.path ?? "$"
        let message = expectation.message ?? ""
        let matching = records.contains { record in
            record.problems.contains { $0.hasPrefix(path) && (message.isEmpty || $0.contains(message)) }
        }
        #expect(matching, "\(name) line \(expectation.line): expected a problem at \(path) saying '\(message)', got \(records.map(\.problems))")
        if let id = expectation.event_id {
            #expect(records.contains { $0.event_id == id }, "\(name): the rejection does not name event \(id)")
        }
        #expect(stderr.contains("line \(expectation.line) of \(file)"), "\(name): stderr does not name the line and file")
    }

    static func checkDelivered(_ expectation: Expectation, stored: [String: HostileHarness.Stored],
                               byMessageID: [String: [HostileHarness.Transaction]], name: String) {
        guard let eventID = expectation.event_id, let email = expectation.email else {
            Issue.record("\(name): an accepted case needs event_id and email")
            return
        }
        guard let message = stored[eventID] else {
            Issue.record("\(name): event \(eventID) was not stored")
            return
        }
        #expect(message.state == "sent", "\(name): \(eventID) is \(message.state)")
        let sent = byMessageID[message.meta.message_id] ?? []
        #expect(sent.count == 1, "\(name): delivered \(sent.count) times")
        guard let transaction = sent.first else { return }
        let report = transaction.message
        #expect(transaction.mail == sender, "\(name): \(transaction.mail)")
        #expect(transaction.rcpt == ["RCPT TO:<\(email)>"], "\(name): \(transaction.rcpt)")
        #expect(report.error == nil, "\(name): \(report.error ?? "")")
        #expect(report.wire == [], "\(name): \(report.wire.prefix(3))")
        #expect(report.defects ?? [] == [], "\(name): \(report.defects ?? [])")
        // The usual headers, and an Expires for a template with a deadline (Templates/README.md).
        let names = report.header_names ?? []
        #expect(names.filter { $0 != "Expires" } == headers && names.filter { $0 == "Expires" }.count <= 1,
                "\(name): headers \(names)")
        #expect(report.part_header_names == partHeaders, "\(name): part headers")
        #expect(report.to?.count == 1 && report.to?.first?.address == email, "\(name): To \(String(describing: report.to))")
        let displayName = expectation.display_name.flatMap { $0.isEmpty ? nil : $0 }
        #expect(report.to_name_rfc2047 == displayName, "\(name): display name \(String(describing: report.to_name_rfc2047))")
        for text in expectation.text_contains ?? [] {
            #expect(report.text?.contains(text) == true, "\(name): the text part lacks \(text)")
        }
        for html in expectation.html_absent ?? [] {
            #expect(report.html?.contains(html) == false, "\(name): the HTML part holds \(html) unescaped")
        }
        for subject in expectation.subject_contains ?? [] {
            #expect(report.subject?.contains(subject) == true, "\(name): the subject lacks \(subject)")
        }
    }
}
