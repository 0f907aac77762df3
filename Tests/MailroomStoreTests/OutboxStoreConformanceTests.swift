import Foundation
import Mailroom
import MailroomTesting
import Synchronization
import Testing

/// What every ``OutboxStore`` engine promises, run against each engine.
@Suite struct OutboxStoreConformanceTests {
    let place: TemporaryDirectory
    let clock = ManualTestClock()

    init() throws {
        place = try TemporaryDirectory()
    }

    func attempt(_ code: Int, _ text: String = "Ok", classification: String = "sent") -> AttemptRecord {
        AttemptRecord(duration: .milliseconds(12), reply: SMTPReply(code: code, enhancedCode: "2.0.0", text: text),
                      classification: classification)
    }

    @Test(arguments: StoreEngine.all)
    func keepsTheExactBytesTheEventAndTheRecord(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let message = OutboxFixtures.message("evt_1", source: "events.ndjson", line: 3)
        let results = try store.store([message], leasingTo: nil)
        #expect(results == [.stored(eventID: "evt_1", lease: nil)])
        let content = try #require(try store.content(eventID: "evt_1"))
        #expect(content.message == message.composed)
        #expect(content.event == message.sourceEvent)
        let record = try #require(try store.record(eventID: "evt_1"))
        #expect(record.state == .queued && record.attempts == 0 && record.leasedBy == nil)
        #expect(record.template == "retention-notice" && record.locale == "de-DE" && record.eventType == "account.closed")
        #expect(record.recipients == ["ada@example.com"] && record.size == message.composed.bytes.count)
        #expect(record.createdAt.timeIntervalSince(clock.now).magnitude < 0.001)
        let journal = try store.journal(eventID: "evt_1")
        #expect(journal.map(\.kind) == [.stored])
        #expect(journal.first?.detail == "from events.ndjson line 3")
        #expect(try store.record(eventID: "evt_none") == nil)
        #expect(try store.content(eventID: "evt_none") == nil)
    }

    @Test(arguments: StoreEngine.all)
    func aRepeatedEventIsADuplicateCountedNotStored(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let first = OutboxFixtures.message("evt_1", source: "a.ndjson", line: 1)
        var changed = first
        changed.composed.bytes = Array("different".utf8)
        let results = try store.store([first, changed], leasingTo: nil)
        #expect(results.map(\.isDuplicate) == [false, true])
        #expect(try store.store([changed], leasingTo: .current).map(\.isDuplicate) == [true])
        #expect(try store.content(eventID: "evt_1")?.message.bytes == first.composed.bytes)
        let duplicates = try store.duplicates(after: nil, limit: 10)
        #expect(duplicates.count == 1)
        #expect(duplicates.first?.count == 2 && duplicates.first?.eventID == "evt_1")
        let status = try store.status()
        #expect(status.duplicates == 2 && status.total == 1)
    }

    @Test(arguments: StoreEngine.all)
    func aLeaseExcludesEveryOtherOwnerUntilReleased(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let other = try engine.open(place, clock)
        let results = try store.store([OutboxFixtures.message("evt_1")], leasingTo: Owners.remote("a"))
        let lease = try #require(results.first?.lease)
        #expect(try other.claim(["evt_1"], allowing: [.queued], owner: Owners.remote("b")).isEmpty)
        #expect(try store.record(eventID: "evt_1")?.leasedBy == Owners.remote("a").id)
        try store.release(lease)
        let claimed = try other.claim(["evt_1"], allowing: [.queued], owner: Owners.remote("b"))
        #expect(claimed.map(\.lease.eventID) == ["evt_1"])
        #expect(claimed.first?.message == OutboxFixtures.message("evt_1").composed)
        // The first owner's lease is gone: writing through it is refused, in the same transaction.
        #expect(throws: OutboxError.self) { try store.beginAttempt(lease) }
        #expect(try store.journal(eventID: "evt_1").map(\.kind) == [.stored])
    }

    @Test(arguments: StoreEngine.all)
    func claimTakesOnlyTheAllowedStates(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        _ = try store.store([OutboxFixtures.message("evt_h", state: .held), OutboxFixtures.message("evt_q")],
                            leasingTo: nil)
        let owner = Owners.remote("a")
        #expect(try store.claim(["evt_h", "evt_q", "evt_missing"], allowing: [.held], owner: owner)
            .map(\.lease.eventID) == ["evt_h"])
        #expect(try store.claim(["evt_q"], allowing: [.queued], owner: owner).first?.lease.state == .queued)
    }

    @Test(arguments: StoreEngine.all)
    func attemptsAreNumberedAndResultsEndTheLease(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let lease = try #require(try store.store([OutboxFixtures.message("evt_1")], leasingTo: .current).first?.lease)
        #expect(try store.beginAttempt(lease) == 1)
        clock.advance(by: 1)
        let next = clock.now.addingTimeInterval(60)
        try store.recordAttempt(lease, result: attempt(451, "Try later", classification: "transient"), newState: .deferred,
                                nextAttemptAt: next, release: false)
        #expect(try store.beginAttempt(lease) == 2)
        try store.recordAttempt(lease, result: attempt(250, "queued as X"), newState: .sent, nextAttemptAt: nil,
                                release: true)
        let record = try #require(try store.record(eventID: "evt_1"))
        #expect(record.state == .sent && record.attempts == 2 && record.leasedBy == nil && record.nextAttemptAt == nil)
        #expect(record.lastReply == SMTPReply(code: 250, enhancedCode: "2.0.0", text: "queued as X"))
        let journal = try store.journal(eventID: "evt_1")
        #expect(journal.map(\.kind) == [.stored, .attemptStarted, .attempt, .attemptStarted, .attempt])
        #expect(journal.map(\.attempt) == [nil, 1, 1, 2, 2])
        #expect(journal.map(\.state) == [.queued, .queued, .deferred, .deferred, .sent])
        #expect(journal[2].nextAttemptAt.map { $0.timeIntervalSince(next).magnitude < 0.001 } == true)
        #expect(journal[2].reply?.code == 451 && journal[2].classification == "transient" && journal[2].durationMs == 12)
        #expect(journal[1].owner == LeaseOwner.current.id)
        #expect(throws: OutboxError.self) { try store.beginAttempt(lease) }
    }

    @Test(arguments: StoreEngine.all)
    func aDeadOwnersStartedAttemptBecomesUncertainAndTheRestComeBack(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let dead = try Owners.dead()
        let results = try store.store(
            [OutboxFixtures.message("evt_started"), OutboxFixtures.message("evt_waiting"), OutboxFixtures.message("evt_mine")],
            leasingTo: dead)
        _ = try store.beginAttempt(try #require(results[0].lease))
        // A claim settles the dead owner's lease on the message it takes.
        #expect(try store.claim(["evt_mine"], allowing: [.queued], owner: .current).count == 1)
        let report = try store.recoverAbandonedLeases()
        #expect(report.markedUncertain == ["evt_started"])
        #expect(report.released == ["evt_waiting"])
        #expect(try store.record(eventID: "evt_mine")?.leasedBy == LeaseOwner.current.id)
        #expect(try store.record(eventID: "evt_started")?.state == .uncertain)
        #expect(try store.journal(eventID: "evt_started").last?.detail?.contains("may have been sent") == true)
        #expect(try store.record(eventID: "evt_waiting")?.state == .queued)
        // An uncertain message is never due again by itself.
        #expect(try store.claim(["evt_started"], allowing: [.queued, .held, .deferred], owner: .current).isEmpty)
        #expect(try store.claim(["evt_waiting"], allowing: [.queued], owner: .current).count == 1)
        #expect(try store.recoverAbandonedLeases() == RecoveryReport())
    }

    @Test(arguments: StoreEngine.all)
    func claimSettlesADeadOwnersLeaseOnItsOwn(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let results = try store.store([OutboxFixtures.message("evt_1"), OutboxFixtures.message("evt_2")],
                                      leasingTo: Owners.reusedPid)
        _ = try store.beginAttempt(try #require(results[1].lease))
        #expect(try store.claim(["evt_1", "evt_2"], allowing: [.queued], owner: .current).map(\.lease.eventID) == ["evt_1"])
        #expect(try store.record(eventID: "evt_2")?.state == .uncertain)
    }

    @Test(arguments: StoreEngine.all)
    func anotherHostsLeaseHoldsUntilItExpires(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        _ = try store.store([OutboxFixtures.message("evt_1")], leasingTo: Owners.remote("a"))
        #expect(try store.recoverAbandonedLeases() == RecoveryReport())
        #expect(try store.claim(["evt_1"], allowing: [.queued], owner: .current).isEmpty)
        clock.advance(by: 3600)
        #expect(try store.claim(["evt_1"], allowing: [.queued], owner: .current).count == 1)
    }

    @Test(arguments: StoreEngine.all)
    func aLiveOwnersLeaseIsNeverSettled(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let lease = try #require(try store.store([OutboxFixtures.message("evt_1")], leasingTo: .current).first?.lease)
        _ = try store.beginAttempt(lease)
        clock.advance(by: 86_400)
        #expect(try store.recoverAbandonedLeases() == RecoveryReport())
        #expect(try store.claim(["evt_1"], allowing: [.queued], owner: Owners.remote("b")).isEmpty)
        #expect(try store.record(eventID: "evt_1")?.state == .queued)
    }

    @Test(arguments: StoreEngine.all)
    func transitionsAreJournaledWithTheirReason(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let lease = try #require(try store.store([OutboxFixtures.message("evt_1")], leasingTo: .current).first?.lease)
        let until = clock.now.addingTimeInterval(300)
        try store.transition(lease, to: .deferred, reason: "not attempted: relay unreachable", nextAttemptAt: until,
                             release: true)
        let record = try #require(try store.record(eventID: "evt_1"))
        #expect(record.state == .deferred && record.leasedBy == nil)
        #expect(record.nextAttemptAt.map { $0.timeIntervalSince(until).magnitude < 0.001 } == true)
        #expect(try store.journal(eventID: "evt_1").last?.detail == "not attempted: relay unreachable")
        #expect(try store.status().nextRetryAt.map { $0.timeIntervalSince(until).magnitude < 0.001 } == true)
    }

    @Test(arguments: StoreEngine.all)
    func statusCountsEveryStateAndTheAudit(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        _ = try store.store([OutboxFixtures.message("evt_old", state: .held)], leasingTo: nil)
        clock.advance(by: 10)
        let results = try store.store((1...5).map { OutboxFixtures.message("evt_\($0)") }, leasingTo: .current)
        for (index, result) in results.enumerated() {
            let lease = try #require(result.lease)
            _ = try store.beginAttempt(lease)
            let state: MessageState = index < 3 ? .sent : index == 3 ? .failed : .uncertain
            try store.recordAttempt(lease, result: attempt(250), newState: state, nextAttemptAt: nil, release: true)
        }
        try store.recordRejected(RejectedEvent(time: clock.now, source: "-", line: 4, eventID: nil,
                                               problems: ["$.id: required"], raw: Array(repeating: 0x41, count: 5000)))
        clock.advance(by: 5)
        let status = try store.status()
        #expect(status.counts == [.queued: 0, .held: 1, .deferred: 0, .sent: 3, .failed: 1, .uncertain: 1, .expired: 0])
        #expect(status.rejected == 1 && status.duplicates == 0 && status.leased == 0 && status.total == 6)
        #expect(status.oldestUnsentAge.map { ($0 - 15).magnitude < 0.01 } == true)
        let rejected = try store.rejected(since: nil, until: nil, after: nil, limit: 10)
        #expect(rejected.first?.excerpt.utf8.count == RejectedEvent.excerptLimit && rejected.first?.bytes == 5000)
        #expect(rejected.first?.problems == ["$.id: required"])
    }

    @Test(arguments: StoreEngine.all)
    func recordsAreFilteredAndPagedInCreationOrder(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        var ids: [String] = []
        for n in 1...30 {
            let type = n.isMultiple(of: 3) ? "account.closure_requested" : "account.closed"
            let message = OutboxFixtures.message(String(format: "evt_%02d", n), state: n <= 10 ? .held : .queued)
                .to(n.isMultiple(of: 5) ? "Bob@Example.com" : "ada@example.com", type: type)
            _ = try store.store([message], leasingTo: nil)
            ids.append(message.eventID)
            clock.advance(by: 1)
        }
        let start = clock.now.addingTimeInterval(-30)
        var all: [String] = []
        try store.forEachRecord(RecordFilter(limit: 7)) { all.append($0.eventID) }
        #expect(all == ids)
        #expect(try store.records(RecordFilter(states: [.held])).map(\.eventID) == Array(ids.prefix(10)))
        #expect(try store.records(RecordFilter(states: [.held, .queued], limit: 12)).map(\.eventID) == Array(ids.prefix(12)))
        #expect(try store.records(RecordFilter(recipient: "bob@example.com")).map(\.eventID)
            == ["evt_05", "evt_10", "evt_15", "evt_20", "evt_25", "evt_30"])
        #expect(try store.records(RecordFilter(eventType: "account.closure_requested")).count == 10)
        #expect(try store.records(RecordFilter(since: start.addingTimeInterval(20))).map(\.eventID) == Array(ids.suffix(10)))
        #expect(try store.records(RecordFilter(until: start.addingTimeInterval(2))).map(\.eventID) == ["evt_01", "evt_02"])
        #expect(try store.records(RecordFilter(states: [.held], eventIDs: ["evt_03", "evt_20"])).map(\.eventID) == ["evt_03"])
    }

    @Test(arguments: StoreEngine.all)
    func aDeferredMessageIsDueOnlyAtItsNextAttempt(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let results = try store.store([OutboxFixtures.message("evt_soon"), OutboxFixtures.message("evt_later"),
                                       OutboxFixtures.message("evt_q")], leasingTo: .current)
        for (result, wait) in zip(results.prefix(2), [10.0, 100.0]) {
            let lease = try #require(result.lease)
            _ = try store.beginAttempt(lease)
            try store.recordAttempt(lease, result: attempt(451, classification: "transient"), newState: .deferred,
                                    nextAttemptAt: clock.now.addingTimeInterval(wait), release: true)
        }
        try store.release(try #require(results[2].lease))
        let waiting: Set<MessageState> = [.queued, .held, .deferred]
        #expect(try store.records(RecordFilter(states: waiting, dueAt: clock.now)).map(\.eventID) == ["evt_q"])
        clock.advance(by: 50)
        #expect(try store.records(RecordFilter(states: waiting, dueAt: clock.now)).map(\.eventID) == ["evt_q", "evt_soon"])
        #expect(try store.records(RecordFilter(states: [.deferred])).count == 2)
    }

    @Test(arguments: StoreEngine.all)
    func anAttemptsStartIsJournaledAtTheTimeItBeganWhateverEndsIt(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let gone = Owners.remote("gone")
        let results = try store.store(["evt_result", "evt_released", "evt_abandoned"].map { OutboxFixtures.message($0) },
                                      leasingTo: .current)
        let leases = try results.map { try #require($0.lease) }
        let began = clock.now
        for lease in leases.prefix(2) { _ = try store.beginAttempt(lease) }
        let other = try #require(try store.store([OutboxFixtures.message("evt_other")], leasingTo: gone).first?.lease)
        _ = try store.beginAttempt(other)
        clock.advance(by: 5)
        try store.recordAttempt(leases[0], result: attempt(250), newState: .sent, nextAttemptAt: nil, release: true)
        try store.release(leases[1])
        clock.advance(by: 3600)
        #expect(try store.recoverAbandonedLeases().markedUncertain == ["evt_other"])

        for id in ["evt_result", "evt_released", "evt_other"] {
            let started = try store.journal(eventID: id).filter { $0.kind == .attemptStarted }
            #expect(started.count == 1, "\(id)")
            #expect(started.first.map { $0.time.timeIntervalSince(began).magnitude < 0.001 } == true, "\(id)")
            #expect(started.first?.attempt == 1 && started.first?.state == .queued, "\(id)")
        }
        #expect(try store.journal(eventID: "evt_other").map(\.kind) == [.stored, .attemptStarted, .state])
        #expect(try store.journal(eventID: "evt_other").first { $0.kind == .attemptStarted }?.owner == gone.id)
        #expect(try store.journal(eventID: "evt_abandoned").map(\.kind) == [.stored])
        // A lease that lost its message writes nothing, not even the start.
        #expect(throws: OutboxError.self) {
            try store.recordAttempt(leases[0], result: self.attempt(250), newState: .sent, nextAttemptAt: nil, release: true)
        }
        #expect(try store.journal(eventID: "evt_result").filter { $0.kind == .attemptStarted }.count == 1)
    }

    @Test(arguments: StoreEngine.all)
    func concurrentClaimersNeverShareAMessage(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let ids = (1...300).map { "evt_\($0)" }
        for chunk in stride(from: 0, to: ids.count, by: 100) {
            _ = try store.store(ids[chunk..<chunk + 100].map { OutboxFixtures.message($0) }, leasingTo: nil)
        }
        let stores = try (0..<3).map { _ in try engine.open(place, clock) }
        let claimed = Mutex<[String: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 6) { worker in
            let owner = Owners.remote("w\(worker)")
            for start in stride(from: 0, to: ids.count, by: 25) {
                let batch = Array(ids[start..<start + 25].shuffled())
                guard let got = try? stores[worker % 3].claim(batch, allowing: [.queued], owner: owner) else { continue }
                claimed.withLock { counts in for item in got { counts[item.lease.eventID, default: 0] += 1 } }
            }
        }
        let counts = claimed.withLock { $0 }
        #expect(counts.count == ids.count)
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(try store.status().leased == ids.count)
    }

    @Test(arguments: StoreEngine.all)
    func outcomesRecordedTogetherEndTheirLeasesAndALostOneIsRefusedAlone(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let results = try store.store((1...4).map { OutboxFixtures.message("evt_\($0)") }, leasingTo: .current)
        let leases = try results.map { try #require($0.lease) }
        for lease in leases.prefix(3) { _ = try store.beginAttempt(lease) }
        try store.release(leases[2])
        let until = clock.now.addingTimeInterval(120)
        let errors = try store.finish([
            (leases[0], .attempt(attempt(250), newState: .sent, nextAttemptAt: nil)),
            (leases[1], .attempt(attempt(451, classification: "transient"), newState: .deferred, nextAttemptAt: until)),
            (leases[2], .attempt(attempt(250), newState: .sent, nextAttemptAt: nil)),
            (leases[3], .transition(.deferred, reason: "not attempted: relay unreachable", nextAttemptAt: until)),
        ])
        #expect(errors.map { $0?.code } == [nil, nil, .notClaimed, nil])
        #expect(try store.record(eventID: "evt_1")?.state == .sent)
        #expect(try store.record(eventID: "evt_2")?.state == .deferred)
        #expect(try store.record(eventID: "evt_3")?.state == .queued, "the lost lease's outcome is not recorded")
        #expect(try store.record(eventID: "evt_4")?.state == .deferred)
        #expect(try store.status().leased == 0)
        #expect(try store.journal(eventID: "evt_3").map(\.kind) == [.stored, .attemptStarted])
        #expect(try store.finish([]).isEmpty)
    }
}
