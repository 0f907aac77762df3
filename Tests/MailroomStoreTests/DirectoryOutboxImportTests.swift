import Foundation
import Mailroom
import MailroomSQLite
import MailroomTesting
import Testing

/// An outbox written by the directory layout (Fixtures/directory-outbox, made by the last
/// version of that store: six example events sent, deferred, failed, held and one made
/// uncertain by its recovery, plus a rejected line and six duplicates) comes into the database
/// whole.
@Suite struct DirectoryOutboxImportTests {
    let place: TemporaryDirectory

    init() throws {
        place = try TemporaryDirectory()
        let fixture = try #require(Bundle.module.url(forResource: "Fixtures/directory-outbox", withExtension: nil))
        try FileManager.default.copyItem(atPath: fixture.path, toPath: place.outboxPath)
        chmod(place.outboxPath, 0o700)
    }

    func legacyFiles() -> [String: Data] {
        var files: [String: Data] = [:]
        let root = place.outboxPath
        for message in OutboxFixtures.entries(root + "/messages") {
            for name in OutboxFixtures.entries(root + "/messages/" + message) {
                files[message + "/" + name] = FileManager.default.contents(atPath: root + "/messages/" + message + "/" + name)
            }
        }
        return files
    }

    @Test func everyMessageJournalAndAuditRecordComesIn() throws {
        let before = legacyFiles()
        let store = try SQLiteOutboxStore(directory: place.outboxPath)
        let status = try store.status()
        #expect(status.counts == [.queued: 0, .held: 1, .deferred: 1, .sent: 2, .failed: 1, .uncertain: 1, .expired: 0])
        #expect(status.rejected == 2 && status.duplicates == 6)
        for id in ["evt_01HZX3K9", "evt_01HZX3KA", "evt_01HZX3KB", "evt_01HZX3KC", "evt_01HZX3KD", "evt_01HZX3KE"] {
            let content = try #require(try store.content(eventID: id))
            #expect(Data(content.message.bytes) == before[id + "/message.eml"])
            #expect(Data(content.event) == before[id + "/event.json"])
            let lines = String(decoding: before[id + "/journal.ndjson"] ?? Data(), as: UTF8.self)
                .split(separator: "\n").count
            let journal = try store.journal(eventID: id)
            #expect(journal.count == lines + 1, "\(id): every record and the import's own")
            #expect(journal.last?.kind == .imported)
        }
        let deferred = try #require(try store.record(eventID: "evt_01HZX3KB"))
        #expect(deferred.nextAttemptAt != nil && deferred.lastReply?.code == 451 && deferred.attempts == 1)
        #expect(try store.record(eventID: "evt_01HZX3KC")?.lastReply?.code == 550)
        #expect(try store.record(eventID: "evt_01HZX3K9")?.lastReply?.code == 250)
        let rejected = try store.rejected(since: nil, until: nil, after: nil, limit: 10)
        #expect(rejected.map(\.eventID) == ["evt_bad", "evt_bad"])
        // The old files are kept, untouched, beside the database.
        let legacy = try #require(OutboxFixtures.entries(place.outboxPath).first { $0.hasPrefix("legacy-") })
        #expect(!FileManager.default.fileExists(atPath: place.outboxPath + "/messages"))
        let kept = place.outboxPath + "/" + legacy + "/messages/evt_01HZX3K9/message.eml"
        #expect(FileManager.default.contents(atPath: kept) == before["evt_01HZX3K9/message.eml"])
        // A second open imports nothing twice.
        let again = try SQLiteOutboxStore(directory: place.outboxPath)
        let reopened = try again.status()
        #expect(reopened.counts == status.counts && reopened.rejected == status.rejected)
        #expect(reopened.duplicates == status.duplicates && reopened.oldestUnsentAt == status.oldestUnsentAt)
    }

    @Test func anAttemptStartedWithNoResultComesInUncertain() throws {
        let journal = place.outboxPath + "/messages/evt_01HZX3KD/journal.ndjson"
        try OutboxFixtures.append(
            #"{"attempt":1,"kind":"attempt-started","pid":4242,"state":"held","time":"2026-12-03T18:45:00.000Z"}"# + "\n",
            to: journal)
        // A torn last line, as a crash mid-write leaves it, is not a record.
        try OutboxFixtures.append(#"{"attempt":1,"kind":"att"#, to: journal)
        let store = try SQLiteOutboxStore(directory: place.outboxPath)
        let record = try #require(try store.record(eventID: "evt_01HZX3KD"))
        #expect(record.state == .uncertain && record.attempts == 1)
        let entries = try store.journal(eventID: "evt_01HZX3KD")
        #expect(entries.map(\.kind).suffix(3) == [.attemptStarted, .state, .imported])
        #expect(entries.first { $0.kind == .attemptStarted }?.owner == "pid 4242")
    }
}

