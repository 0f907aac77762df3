import Foundation
import MailroomTesting
import Testing

/// What compliance staff read: `outbox show --raw`, `outbox list` filters and `outbox export`,
/// judged against what the SMTP server received and by Python's email parser.
@Suite("audit: show --raw, list filters, export")
struct OutboxAuditTests {
    /// Nine events of three types, delivered; two more held; one rejected.
    static func deliveredOutbox() async throws -> (Workspace, TestServer, TestEvents.Generated) {
        let server = try TestServer.capture()
        let workspace = try Workspace()
        let events = TestEvents.make(9, prefix: "evt_audit")
        let file = try workspace.write("events.ndjson", events.ndjson + #"{"id":"evt_bad"}"# + "\n")
        let send = try await workspace.run(["send", "--smtp-url", "smtp://127.0.0.1:\(server.port)", file])
        #expect(send.status == 65, "\(send)")
        let later = try workspace.write("later.ndjson", TestEvents.make(2, prefix: "evt_later").ndjson)
        let held = try await workspace.run(["send", later])
        #expect(held.status == 0, "\(held)")
        return (workspace, server, events)
    }

    @Test("show --raw prints exactly the bytes the server received")
    func showRawIsTheDeliveredBytes() async throws {
        let (workspace, server, _) = try await Self.deliveredOutbox()
        defer { server.stop() }
        let captured = try server.capturedMessages()
        #expect(captured.count == 9)
        for message in captured {
            let id = String((message.messageID ?? "").dropFirst().prefix { $0 != "@" }.split(separator: ".").first ?? "")
            let raw = try await workspace.run(["outbox", "show", id, "--raw"])
            #expect(raw.status == 0, "\(raw)")
            #expect(raw.stdoutBytes == message.bytes, "\(id)")
        }
        let missing = try await workspace.run(["outbox", "show", "evt_none", "--raw"])
        #expect(missing.status == 64 && missing.stdoutBytes.isEmpty, "\(missing)")
    }

    @Test("list filters by state, type, recipient and time")
    func listFilters() async throws {
        let (workspace, server, events) = try await Self.deliveredOutbox()
        defer { server.stop() }
        func ids(_ arguments: [String]) async throws -> [String] {
            let result = try await workspace.run(["outbox", "list", "--json"] + arguments)
            #expect(result.status == 0, "\(result)")
            return result.stdoutLines.compactMap {
                (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["event_id"] as? String
            }
        }
        #expect(try await ids([]).count == 11)
        #expect(Set(try await ids(["--state", "held"])) == ["evt_later-0", "evt_later-1"])
        #expect(Set(try await ids(["--state", "sent"])) == Set(events.ids))
        #expect(try await ids(["--type", "account.closed"]).count == 3)
        let recipient = try #require(events.recipients["evt_audit-4"])
        #expect(try await ids(["--recipient", recipient.uppercased()]) == ["evt_audit-4"])
        #expect(try await ids(["--since", "1h"]).count == 11)
        #expect(try await ids(["--until", "2000-01-01T00:00:00Z"]).isEmpty)
        #expect(try await ids(["--state", "sent", "--since", "2099-01-01T00:00:00Z"]).isEmpty)
        let bad = try await workspace.run(["outbox", "list", "--since", "yesterday"])
        #expect(bad.status == 64, "\(bad)")
    }

    @Test("export writes one .eml per message that mail clients read, and NDJSON that jq reads")
    func exportForAudit() async throws {
        let (workspace, server, events) = try await Self.deliveredOutbox()
        defer { server.stop() }
        let target = workspace.path("audit")
        let export = try await workspace.run(["outbox", "export", "--state", "sent", target])
        #expect(export.status == 0, "\(export)")
        let files = try FileManager.default.contentsOfDirectory(atPath: target).sorted()
        #expect(Set(files) == Set(events.ids.map { $0 + ".eml" } + ["messages.ndjson", "journal.ndjson", "rejected.ndjson",
                                                                     "duplicates.ndjson"]))
        for file in files {
            let mode = try FileManager.default.attributesOfItem(atPath: target + "/" + file)[.posixPermissions] as? Int
            #expect(mode == 0o600, "\(file)")
        }
        // Python's email package reads every exported message without a defect.
        let reports = try PreviewTests.checkMIME(events.ids.map { target + "/" + $0 + ".eml" })
        #expect(reports.count == events.ids.count)
        for report in reports {
            #expect(report["error"] is NSNull, "\(report)")
            #expect((report["defects"] as? [String])?.isEmpty == true, "\(report)")
            #expect((report["wire"] as? [String])?.isEmpty == true, "\(report)")
        }
        let index = try String(contentsOfFile: target + "/messages.ndjson", encoding: .utf8).split(separator: "\n")
        #expect(index.count == events.ids.count)
        for line in index {
            let record = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let id = try #require(record["event_id"] as? String)
            #expect(record["state"] as? String == "sent" && record["file"] as? String == id + ".eml")
            let event = try #require(record["event"] as? String)
            #expect(event.contains("\"\(id)\""))
        }
        let journal = try String(contentsOfFile: target + "/journal.ndjson", encoding: .utf8).split(separator: "\n")
        let kinds = journal.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(kinds.count == journal.count)
        #expect(kinds.filter { $0["kind"] as? String == "attempt" }.count == events.ids.count)
        let replies = kinds.compactMap { $0["reply"] as? [String: Any] }
        #expect(replies.allSatisfy { $0["code"] as? Int == 250 && $0["enhanced_code"] as? String == "2.0.0" })
        let rejected = try String(contentsOfFile: target + "/rejected.ndjson", encoding: .utf8)
        #expect(rejected.contains("evt_bad"))
        // Into a directory that is not empty: refused, nothing overwritten.
        let again = try await workspace.run(["outbox", "export", target])
        #expect(again.status == 64, "\(again)")
    }
}
