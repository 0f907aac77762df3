import Foundation
import Mailroom
import MailroomTesting
import Testing

/// The `expired` state in every engine: stored as such, reached by a transition, counted, listed,
/// never claimed by a default replay, claimed when an operator forces it.
@Suite struct ExpiredStateConformanceTests {
    let place: TemporaryDirectory
    let clock = ManualTestClock()

    init() throws {
        place = try TemporaryDirectory()
    }

    @Test(arguments: StoreEngine.all)
    func storedExpiredIsCountedListedAndJournaledWithItsReason(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        var late = OutboxFixtures.message("evt_late", state: .expired, source: "events.ndjson", line: 2)
        late.note = "expired on arrival: its deadline data.withdraw_by 2026-11-01T00:00:00Z had passed; not attempted"
        let results = try store.store([late], leasingTo: .current)
        #expect(results.map(\.isDuplicate) == [false])
        // The lease the store gave is ended like any other.
        let leases = results.compactMap(\.lease)
        #expect(leases.first?.state == .expired)
        #expect(try store.finish(leases.map { ($0, .release) }).allSatisfy { $0 == nil })
        clock.advance(by: 60)
        let freshAt = clock.now
        _ = try store.store([OutboxFixtures.message("evt_fresh")], leasingTo: nil)

        let status = try store.status()
        #expect(status.counts[.expired] == 1 && status.counts[.queued] == 1 && status.total == 2)
        #expect(status.leased == 0)
        let listed = try store.records(RecordFilter(states: [.expired]))
        #expect(listed.map(\.eventID) == ["evt_late"])
        #expect(try store.record(eventID: "evt_late")?.state == .expired)
        let journal = try store.journal(eventID: "evt_late")
        #expect(journal.map(\.kind) == [.stored] && journal.first?.state == .expired)
        #expect(journal.first?.detail == "from events.ndjson line 2; " + (late.note ?? ""))
        // An expired message is no longer waiting to be sent: the oldest waiting one is the later one.
        #expect(status.oldestUnsentAt.map { abs($0.timeIntervalSince(freshAt)) < 0.001 } == true)
    }

    @Test(arguments: StoreEngine.all)
    func aTransitionToExpiredMovesTheCountersAndEndsTheLease(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        _ = try store.store([OutboxFixtures.message("evt_1", state: .held), OutboxFixtures.message("evt_2", state: .held)],
                            leasingTo: nil)
        let claimed = try store.claim(["evt_1"], allowing: ReplaySelection.defaultStates, owner: .current)
        let lease = try #require(claimed.first?.lease)
        try store.transition(lease, to: .expired, reason: "expired: its deadline passed before it could be sent",
                             nextAttemptAt: nil, release: true)
        let status = try store.status()
        #expect(status.counts[.expired] == 1 && status.counts[.held] == 1 && status.leased == 0)
        #expect(try store.journal(eventID: "evt_1").last?.detail == "expired: its deadline passed before it could be sent")
        #expect(try store.journal(eventID: "evt_1").last?.state == .expired)

        // A plain replay's claim does not take it; an operator's forced one does.
        let other = Owners.remote("replayer")
        #expect(try store.claim(["evt_1"], allowing: ReplaySelection.defaultStates, owner: other).isEmpty)
        let forced = ReplaySelection(eventIDs: ["evt_1"], force: true)
        let taken = try store.claim(["evt_1"], allowing: forced.claimableStates, owner: other)
        #expect(taken.map(\.lease.state) == [.expired])
        // And the default replay plan never lists it.
        #expect(try store.records(ReplaySelection().filter(now: clock.now)).map(\.eventID) == ["evt_2"])
    }

    @Test(arguments: StoreEngine.all)
    func expiredByFinishCountsOncePerMessage(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let stored = try store.store((1...5).map { OutboxFixtures.message("evt_\($0)") }, leasingTo: .current)
        let outcomes: [(lease: Lease, outcome: LeaseOutcome)] = stored.compactMap(\.lease).map {
            ($0, .transition(.expired, reason: "expired", nextAttemptAt: nil))
        }
        #expect(try store.finish(outcomes).allSatisfy { $0 == nil })
        let status = try store.status()
        #expect(status.counts[.expired] == 5 && status.counts[.queued] == 0 && status.total == 5)
        #expect(try store.records(RecordFilter(states: [.expired], limit: 2)).count == 2)
    }
}
