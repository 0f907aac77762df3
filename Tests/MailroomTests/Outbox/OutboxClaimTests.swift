import Foundation
import Mailroom
import Testing

@Suite struct OutboxClaimTests {
    @Test func secondClaimFailsWhileTheFirstIsHeldAndSucceedsAfterRelease() throws {
        let dir = try TemporaryDirectory()
        let a = try Outbox(path: dir.outboxPath)
        let b = try Outbox(path: dir.outboxPath)
        _ = try a.store(OutboxFixtures.message("evt_1"))
        let first = try #require(try a.claim(eventID: "evt_1"))
        #expect(try b.claim(eventID: "evt_1") == nil)
        #expect(try a.claim(eventID: "evt_1") == nil, "a second claim in the same instance is refused too")
        first.release()
        #expect(!first.isHeld)
        let second = try #require(try b.claim(eventID: "evt_1", wait: true))  // see attemptsAreJournaled...
        #expect(second.state == .queued)
    }

    @Test func waitingClaimDecidesByTheStateTheHolderLeft() async throws {
        let dir = try TemporaryDirectory()
        let a = try Outbox(path: dir.outboxPath)
        let b = try Outbox(path: dir.outboxPath)
        _ = try a.store([OutboxFixtures.message("evt_1"), OutboxFixtures.message("evt_2")])
        // A brief holder that delivers nothing: the waiting claim gets the message.
        let brief = try #require(try a.claim(eventID: "evt_1"))
        let waiting = Task.detached { try b.claim(eventID: "evt_1", wait: true)?.state }
        try await Task.sleep(for: .milliseconds(50))  // let it reach the lock (either order must pass)
        brief.release()
        #expect(try await waiting.value == .queued)
        // A holder that delivered it: the waiting claim, once the lock is free, declines.
        let deliverer = try #require(try a.claim(eventID: "evt_2"))
        let declined = Task.detached { try b.claim(eventID: "evt_2", wait: true) == nil }
        try await Task.sleep(for: .milliseconds(50))
        try a.beginAttempt(deliverer)
        try a.recordAttempt(deliverer, result: AttemptRecord(duration: .seconds(1), reply: SMTPReply(code: 250, text: "Ok"),
                                                             classification: "sent"), newState: .sent, nextAttemptAt: nil)
        deliverer.release()
        #expect(try await declined.value)
    }

    @Test func claimEndsWhenTheClaimObjectGoesAway() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        do {
            let claim = try outbox.claim(eventID: "evt_1")
            #expect(claim != nil)
        }
        #expect(try outbox.claim(eventID: "evt_1") != nil)
    }

    @Test func attemptsAreJournaledAndDecideTheState() throws {
        let dir = try TemporaryDirectory()
        let clock = ManualTestClock()
        let outbox = try Outbox(path: dir.outboxPath, clock: clock.closure)
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        let claim = try #require(try outbox.claim(eventID: "evt_1"))
        clock.advance(by: 1)
        #expect(try outbox.beginAttempt(claim) == 1)
        let retryAt = clock.now.addingTimeInterval(300)
        let deferral = AttemptRecord(
            duration: .milliseconds(412), reply: SMTPReply(code: 451, enhancedCode: "4.3.0", text: "Try again later"),
            classification: "transient", detail: "server busy")
        try outbox.recordAttempt(claim, result: deferral, newState: .deferred, nextAttemptAt: retryAt)
        claim.release()

        var record = try #require(try outbox.record(eventID: "evt_1"))
        #expect(record.state == .deferred && record.attempts == 1 && record.nextAttemptAt == retryAt)
        #expect(record.lastReply == SMTPReply(code: 451, enhancedCode: "4.3.0", text: "Try again later"))
        #expect(try outbox.status().nextRetryAt == retryAt)

        let again = try #require(try outbox.claim(eventID: "evt_1"))
        #expect(again.previousAttempts == 1)
        #expect(try outbox.beginAttempt(again) == 2)
        try outbox.recordAttempt(
            again, result: AttemptRecord(duration: .seconds(1), reply: SMTPReply(code: 250, text: "Ok"), classification: "sent"),
            newState: .sent, nextAttemptAt: nil)
        #expect(try outbox.claim(eventID: "evt_1") == nil, "held by `again`")
        again.release()
        // Waiting: a process another test spawns at this moment holds an inherited descriptor of
        // the directory until its exec, and with it the lock (flock belongs to the open file).
        #expect(try outbox.claim(eventID: "evt_1", wait: true) == nil, "sent is not deliverable")
        #expect(try outbox.claim(eventID: "evt_1", allowing: [.sent], wait: true) != nil, "unless forced")

        let journal = try outbox.journal(eventID: "evt_1")
        #expect(journal.map(\.kind) == [.stored, .attemptStarted, .attempt, .attemptStarted, .attempt])
        #expect(journal.map(\.state) == [.queued, .queued, .deferred, .deferred, .sent])
        #expect(journal[2].durationMs == 412 && journal[2].classification == "transient" && journal[2].detail == "server busy")
        #expect(journal[4].attempt == 2 && journal[4].durationMs == 1000)
        record = try #require(try outbox.record(eventID: "evt_1"))
        #expect(record.state == .sent && record.nextAttemptAt == nil && record.attempts == 2)
    }

    @Test func journalLinesAreSeparateJSONObjects() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_1", state: .held))
        let claim = try #require(try outbox.claim(eventID: "evt_1"))
        try outbox.transition(claim, to: .queued, reason: "replay --smtp-url given")
        let bytes = try #require(OutboxFixtures.contents("\(dir.outboxPath)/messages/evt_1/journal.ndjson"))
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.count == 3 && lines[2].isEmpty, "two records, each ending in a newline")
        let last = try #require(try JSONSerialization.jsonObject(with: Data(lines[1])) as? [String: Any])
        #expect(last["kind"] as? String == "state" && last["state"] as? String == "queued")
        #expect(last["detail"] as? String == "replay --smtp-url given")
        #expect(try outbox.record(eventID: "evt_1")?.state == .queued)
    }

    @Test func releasedClaimCannotRecord() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_1"))
        let claim = try #require(try outbox.claim(eventID: "evt_1"))
        claim.release()
        let error = #expect(throws: OutboxError.self) { try outbox.transition(claim, to: .held, reason: "x") }
        #expect(error?.code == .notClaimed)
    }

    @Test func statusCountsStatesAndOldestWaitingMessage() throws {
        let dir = try TemporaryDirectory()
        let clock = ManualTestClock()
        let outbox = try Outbox(path: dir.outboxPath, clock: clock.closure)
        let start = clock.now
        _ = try outbox.store(OutboxFixtures.message("evt_1", state: .held))
        clock.advance(by: 60)
        _ = try outbox.store([OutboxFixtures.message("evt_2"), OutboxFixtures.message("evt_3")])
        let claim = try #require(try outbox.claim(eventID: "evt_1"))
        try outbox.recordAttempt(
            claim, result: AttemptRecord(duration: .zero, reply: SMTPReply(code: 250, text: "Ok"), classification: "sent"),
            newState: .sent, nextAttemptAt: nil)
        clock.advance(by: 60)
        let status = try outbox.status()
        #expect(status.counts[.sent] == 1 && status.counts[.queued] == 2 && status.counts[.failed] == 0)
        #expect(status.total == 3)
        #expect(status.oldestUnsentAt == start.addingTimeInterval(60))
        #expect(status.oldestUnsentAge == 60)
        #expect(try outbox.records(states: [.queued]).map(\.eventID) == ["evt_2", "evt_3"])
        #expect(try outbox.records(states: [.sent, .held]).map(\.eventID) == ["evt_1"])
    }

    @Test func storeClaimingHandsBackHeldClaimsForNewMessagesOnly() throws {
        let dir = try TemporaryDirectory()
        let outbox = try Outbox(path: dir.outboxPath)
        _ = try outbox.store(OutboxFixtures.message("evt_old"))
        let (results, claims) = try outbox.storeClaiming([
            OutboxFixtures.message("evt_new"), OutboxFixtures.message("evt_old"), OutboxFixtures.message("evt_held", state: .held),
        ])
        #expect(results.map(\.isDuplicate) == [false, true, false])
        #expect(Set(claims.keys) == ["evt_new", "evt_held"], "no claim for a duplicate")
        let new = try #require(claims["evt_new"])
        #expect(new.state == .queued && new.previousAttempts == 0 && new.isHeld)
        #expect(claims["evt_held"]?.state == .held)
        // Held: nobody else can claim it, waiting or not, until it is released.
        #expect(try outbox.claim(eventID: "evt_new") == nil)
        #expect(try outbox.beginAttempt(new) == 1)
        try outbox.recordAttempt(
            new, result: AttemptRecord(duration: .milliseconds(5), reply: SMTPReply(code: 250, text: "Ok"), classification: "sent"),
            newState: .sent, nextAttemptAt: nil)
        new.release()
        #expect(try outbox.journal(eventID: "evt_new").map(\.kind) == [.stored, .attemptStarted, .attempt])
        #expect(try outbox.claim(eventID: "evt_new", allowing: [.sent], wait: true) != nil)
        #expect(try outbox.claim(eventID: "evt_old", wait: true) != nil, "the duplicate's stored message is untouched and free")
    }
}
