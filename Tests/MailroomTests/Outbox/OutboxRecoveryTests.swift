import Foundation
import Glibc
import Mailroom
import Testing

@Suite struct OutboxRecoveryTests {
    @Test func tornLastJournalLineIsRepaired() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        let journalPath = "\(dir.outboxPath)/messages/evt_1/journal.ndjson"
        try OutboxFixtures.append(#"{"kind":"attempt","state":"se"#, to: journalPath)
        // Readers ignore the torn line before any repair.
        #expect(try outbox.record(eventID: "evt_1")?.state == .queued)

        let report = try outbox.recover()
        #expect(report.repaired == ["evt_1"])
        let bytes = try #require(OutboxFixtures.contents(journalPath))
        #expect(bytes.last == UInt8(ascii: "\n"))
        let lines = bytes.split(separator: UInt8(ascii: "\n"))
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { (try? JSONSerialization.jsonObject(with: Data($0))) != nil })
        let journal = try outbox.journal(eventID: "evt_1")
        #expect(journal.map(\.kind) == [.stored, .repaired])
        #expect(journal.last?.state == .queued)
        #expect(try outbox.recover().repaired.isEmpty, "a second recovery has nothing to do")
    }

    @Test func leftoverTemporaryEntriesOfDeadWritersAreRemoved() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        let tmp = "\(dir.outboxPath)/tmp"
        // Pid 4194305 is above Linux's largest pid_max (2^22): a writer that cannot be running.
        try FileManager.default.createDirectory(atPath: "\(tmp)/4194305-dead", withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: "\(tmp)/4194305-dead/message.eml", contents: Data("half".utf8)))
        try FileManager.default.createDirectory(atPath: "\(tmp)/4194305-odd/sub", withIntermediateDirectories: true)
        // A writer that is still alive holds a flock on its tmp directory.
        try FileManager.default.createDirectory(atPath: "\(tmp)/1-live", withIntermediateDirectories: false)
        let live = open("\(tmp)/1-live", O_RDONLY | O_DIRECTORY)
        defer { close(live) }
        #expect(flock(live, LOCK_EX) == 0)

        let report = try outbox.recover()
        #expect(report.removedTemporary == ["4194305-dead"])
        #expect(report.quarantined.count == 1 && report.quarantined[0].hasPrefix("4194305-odd."))
        #expect(OutboxFixtures.entries(tmp) == ["1-live"])
        #expect(OutboxFixtures.entries("\(dir.outboxPath)/quarantine") == report.quarantined)
    }

    @Test func unfinishedAttemptBecomesUncertain() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store([OutboxFixtures.message("evt_1"), OutboxFixtures.message("evt_2")])
        let crashed = try #require(try outbox.claim(eventID: "evt_1"))
        try outbox.beginAttempt(crashed)
        // The process dies: the kernel drops its lock; nothing else is written.
        crashed.release()
        // Another process is in the middle of an attempt on evt_2 and is alive.
        let live = try #require(try Outbox(path: dir.outboxPath).claim(eventID: "evt_2"))
        try outbox.beginAttempt(live)

        let report = try Outbox(path: dir.outboxPath).recover()
        #expect(report.markedUncertain == ["evt_1"])
        #expect(report.skippedClaimed == ["evt_2"])
        let last = try #require(try outbox.journal(eventID: "evt_1").last)
        #expect(last.kind == .state && last.state == .uncertain)
        #expect(last.detail?.contains("may have been sent") == true)
        #expect(try outbox.record(eventID: "evt_2")?.state == .queued)
        #expect(try outbox.claim(eventID: "evt_1") == nil, "uncertain is never resent automatically")
        #expect(try outbox.claim(eventID: "evt_1", allowing: [.uncertain]) != nil)
    }

    @Test func claimAlsoSettlesAnUnfinishedAttempt() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        try outbox.beginAttempt(try #require(try outbox.claim(eventID: "evt_1")))
        #expect(try outbox.claim(eventID: "evt_1") == nil)
        #expect(try outbox.record(eventID: "evt_1")?.state == .uncertain)
    }

    @Test func messageMissingFilesIsQuarantined() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store([OutboxFixtures.message("evt_1"), OutboxFixtures.message("evt_2")])
        try FileManager.default.removeItem(atPath: "\(dir.outboxPath)/messages/evt_1/meta.json")
        #expect(try outbox.status().unreadable == 1)
        let report = try outbox.recover()
        #expect(report.quarantined.count == 1 && report.quarantined[0].hasPrefix("evt_1."))
        #expect(OutboxFixtures.entries("\(dir.outboxPath)/messages") == ["evt_2"])
        let status = try outbox.status()
        #expect(status.unreadable == 0 && status.total == 1)
    }

    @Test func symlinksInsideTheOutboxAreNotFollowed() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        let outside = "\(dir.path)/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: false)
        #expect(FileManager.default.createFile(atPath: "\(outside)/message.eml", contents: Data("secret".utf8)))
        #expect(FileManager.default.createFile(atPath: "\(outside)/journal.ndjson", contents: Data("precious\n".utf8)))
        #expect(symlink(outside, "\(dir.outboxPath)/messages/evt_link") == 0)

        #expect(throws: OutboxError.self) { try outbox.messageBytes(eventID: "evt_link") }
        #expect(throws: OutboxError.self) { try outbox.claim(eventID: "evt_link") }
        #expect(try outbox.store(OutboxFixtures.message("evt_link")).isDuplicate, "the name is taken; nothing is written through it")

        // A symlinked journal inside a real message directory is not appended through either.
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        let claim = try #require(try outbox.claim(eventID: "evt_1"))
        let journal = "\(dir.outboxPath)/messages/evt_1/journal.ndjson"
        try FileManager.default.removeItem(atPath: journal)
        #expect(symlink("\(outside)/journal.ndjson", journal) == 0)
        #expect(throws: OutboxError.self) { try outbox.transition(claim, to: .held, reason: "x") }
        claim.release()
        #expect(throws: OutboxError.self) { try outbox.claim(eventID: "evt_1") }
        #expect(throws: OutboxError.self) { try outbox.journal(eventID: "evt_1") }

        let report = try outbox.recover()
        #expect(report.quarantined.count == 2)
        #expect(OutboxFixtures.contents("\(outside)/journal.ndjson") == Array("precious\n".utf8))
        #expect(OutboxFixtures.contents("\(outside)/message.eml") == Array("secret".utf8))
        #expect(OutboxFixtures.entries("\(dir.outboxPath)/messages").isEmpty)
    }
}
