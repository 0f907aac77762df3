import Foundation
import Mailroom
import MailroomTesting
import Synchronization
import Testing

/// ``OutboxStore/claimDue(_:limit:owner:)``, what a long-running deliverer calls in a loop, run
/// against each engine.
@Suite struct ClaimDueConformanceTests {
    let place: TemporaryDirectory
    let clock = ManualTestClock()

    init() throws {
        place = try TemporaryDirectory()
    }

    /// Stores `id` and leaves it deferred until `seconds` from now.
    func storeDeferred(_ store: any OutboxStore, _ id: String, dueIn seconds: TimeInterval) throws {
        let lease = try #require(try store.store([OutboxFixtures.message(id)], leasingTo: .current).first?.lease)
        try store.transition(lease, to: .deferred, reason: "test", nextAttemptAt: clock.now.addingTimeInterval(seconds),
                             release: true)
    }

    @Test(arguments: StoreEngine.all)
    func takesWhatIsDueEarliestFirstAndNothingElse(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        try storeDeferred(store, "evt_later", dueIn: 60)
        try storeDeferred(store, "evt_due", dueIn: -5)
        clock.advance(by: 1)
        _ = try store.store([OutboxFixtures.message("evt_queued")], leasingTo: nil)
        _ = try store.store([OutboxFixtures.message("evt_in_flight")], leasingTo: .current)
        _ = try store.store([OutboxFixtures.message("evt_held", state: .held)], leasingTo: nil)

        let owner = Owners.remote("worker")
        let first = try store.claimDue([.queued, .deferred], limit: 10, owner: owner)
        // The deferred one fell due before the queued one was stored.
        #expect(first.map(\.lease.eventID) == ["evt_due", "evt_queued"])
        #expect(first.map(\.lease.state) == [.deferred, .queued])
        #expect(first.first?.message == OutboxFixtures.message("evt_due").composed)
        #expect(try store.record(eventID: "evt_due")?.leasedBy == owner.id)
        #expect(try store.claimDue([.queued, .deferred], limit: 10, owner: owner).isEmpty)
        #expect(try store.claimDue([.held], limit: 10, owner: owner).map(\.lease.eventID) == ["evt_held"])

        clock.advance(by: 60)
        #expect(try store.claimDue([.queued, .deferred], limit: 10, owner: owner).map(\.lease.eventID) == ["evt_later"])
    }

    @Test(arguments: StoreEngine.all)
    func takesAtMostTheLimitInCreationOrder(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        for n in 1...5 {
            _ = try store.store([OutboxFixtures.message("evt_\(n)")], leasingTo: nil)
            clock.advance(by: 1)
        }
        let owner = Owners.remote("worker")
        #expect(try store.claimDue([.queued], limit: 2, owner: owner).map(\.lease.eventID) == ["evt_1", "evt_2"])
        #expect(try store.claimDue([.queued], limit: 2, owner: owner).map(\.lease.eventID) == ["evt_3", "evt_4"])
        #expect(try store.claimDue([.queued], limit: 2, owner: owner).map(\.lease.eventID) == ["evt_5"])
        #expect(try store.claimDue([.queued], limit: 0, owner: owner).isEmpty)
        #expect(try store.status().leased == 5)
    }

    @Test(arguments: StoreEngine.all)
    func anotherHostsLeaseBindsUntilItExpires(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        _ = try store.store([OutboxFixtures.message("evt_1"), OutboxFixtures.message("evt_2")],
                            leasingTo: Owners.remote("gone"))
        #expect(try store.claimDue([.queued], limit: 10, owner: .current).isEmpty)
        clock.advance(by: 3600)
        let taken = try store.claimDue([.queued], limit: 10, owner: .current)
        #expect(taken.map(\.lease.eventID) == ["evt_1", "evt_2"])
        #expect(try store.record(eventID: "evt_1")?.leasedBy == LeaseOwner.current.id)
    }

    @Test(arguments: StoreEngine.all)
    func anExpiredLeaseWithAnAttemptInFlightBecomesUncertainNotDue(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let gone = Owners.remote("gone")
        let results = try store.store([OutboxFixtures.message("evt_idle"), OutboxFixtures.message("evt_started")],
                                      leasingTo: gone)
        _ = try store.beginAttempt(try #require(results[1].lease))
        clock.advance(by: 3600)
        #expect(try store.claimDue([.queued], limit: 10, owner: .current).map(\.lease.eventID) == ["evt_idle"])
        #expect(try store.record(eventID: "evt_started")?.state == .uncertain)
        #expect(try store.record(eventID: "evt_started")?.leasedBy == nil)
    }

    @Test(arguments: StoreEngine.all)
    func concurrentCallersNeverShareAMessage(engine: StoreEngine) throws {
        let store = try engine.open(place, clock)
        let ids = (1...300).map { "evt_\($0)" }
        for chunk in stride(from: 0, to: ids.count, by: 100) {
            _ = try store.store(ids[chunk..<chunk + 100].map { OutboxFixtures.message($0) }, leasingTo: nil)
        }
        let stores = try (0..<3).map { _ in try engine.open(place, clock) }
        let claimed = Mutex<[String: Int]>([:])
        DispatchQueue.concurrentPerform(iterations: 6) { worker in
            let owner = Owners.remote("w\(worker)")
            while true {
                guard let got = try? stores[worker % 3].claimDue([.queued], limit: 7, owner: owner), !got.isEmpty else {
                    break
                }
                claimed.withLock { counts in for item in got { counts[item.lease.eventID, default: 0] += 1 } }
            }
        }
        let counts = claimed.withLock { $0 }
        #expect(counts.count == ids.count)
        #expect(counts.values.allSatisfy { $0 == 1 })
        #expect(try store.status().leased == ids.count)
    }
}
