import Foundation
import Logging
import Mailroom

/// Delivers what the outbox holds, for as long as the service runs: new messages as soon as they
/// are stored, each deferred one when its next attempt is due.
///
/// One thread leases due messages (``OutboxStore/claimDue(_:limit:owner:)``, earliest due first)
/// and hands them to the dispatcher, at most `capacity` at a time, refilled once half of them are
/// done. Then it sleeps until the
/// earliest next attempt time, waking early when this process stores a message or a delivery
/// ends. Messages stored by other processes are found by a check every `idleCheck` at the
/// latest: the claim is one indexed query, so even several processes cost the outbox little,
/// and the lease the claim takes keeps any message from being delivered by two of them.
///
/// While the relay does not respond (the dispatcher's circuit breaker is open) nothing is leased
/// until the pause is over; then a single message goes as the probe, and the rest follow once
/// the relay answered it.
final class DeliveryLoop: @unchecked Sendable {
    private let store: any OutboxStore
    private let owner: LeaseOwner
    private let dispatcher: DeliveryDispatcher
    private let recorder: OutboxDeliveryRecorder
    private let logger: Logger
    private let capacity: Int
    private let idleCheck: Duration
    private let states: Set<MessageState> = [.queued, .held, .deferred]

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var inFlight = 0
    private var woken = false
    private var stopping = false
    private var running = false
    private var storeFailure: String?

    init(store: any OutboxStore, owner: LeaseOwner, dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder,
         logger: Logger, capacity: Int, idleCheck: Duration) {
        self.store = store
        self.owner = owner
        self.dispatcher = dispatcher
        self.recorder = recorder
        self.logger = logger
        self.capacity = max(1, capacity)
        self.idleCheck = idleCheck
    }

    func start() {
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in run() }
        thread.name = "mailroom-delivery"
        thread.start()
    }

    /// Called once, on the loop's thread, when the dispatcher stopped by itself (a configuration
    /// error such as an untrusted certificate, or an outbox that cannot record): the service must
    /// stop, since every further attempt would fail the same way. Set before ``start()``.
    var onHalt: @Sendable (String) -> Void = { _ in }

    /// Something new may be due: a message was stored.
    func wake() {
        condition.lock()
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    /// A message handed to the dispatcher reached its outcome, recorded and its lease ended.
    func finished() {
        condition.lock()
        inFlight -= 1
        woken = true
        condition.broadcast()
        condition.unlock()
    }

    /// The outbox failure that keeps the loop from leasing messages, while it lasts.
    var failure: String? {
        condition.lock()
        defer { condition.unlock() }
        return storeFailure
    }

    /// Leases nothing more and waits for the loop's thread to end; the caller then interrupts and
    /// finishes the dispatcher.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        condition.unlock()
    }

    private func run() {
        defer {
            condition.lock()
            running = false
            condition.broadcast()
            condition.unlock()
        }
        var recovered = Date()
        while let limit = nextLimit() {
            if Date().timeIntervalSince(recovered) >= Self.recoveryInterval.seconds {
                recovered = Date()
                recoverAbandonedLeases()
            }
            let claimed: [ClaimedMessage]
            do {
                claimed = try store.claimDue(states, limit: limit, owner: owner)
                setFailure(nil)
            } catch {
                // A store that cannot lease now (locked, disk trouble) is tried again after a
                // pause; readiness reports it meanwhile.
                logger.error("cannot lease due messages", metadata: ["error": "\(error)"])
                setFailure("\(error)")
                sleep(until: Date().addingTimeInterval(idleCheck.seconds))
                continue
            }
            condition.lock()
            inFlight += claimed.count
            condition.unlock()
            for item in claimed {
                recorder.hold(item.lease)
                dispatcher.submit(DeliveryJob(eventID: item.lease.eventID, message: item.message, storedAt: item.storedAt,
                                              previousFailures: item.lease.previousAttempts))
            }
            if claimed.count == limit && dispatcher.relayPausedUntil == nil { continue }
            sleep(until: nextWake())
        }
    }

    /// How often the leases of processes that died (another `serve` killed, a crashed `send`)
    /// are settled, so that their messages are delivered by the processes still running.
    static let recoveryInterval: Duration = .seconds(30)

    private func recoverAbandonedLeases() {
        do {
            let report = try store.recoverAbandonedLeases()
            for id in report.markedUncertain {
                logger.warning("a process stopped during an attempt: marked uncertain", metadata: ["message": "\(id)"])
            }
        } catch {
            logger.error("cannot settle abandoned leases", metadata: ["error": "\(error)"])
        }
    }

    /// How many messages to lease now (nil: the loop ends), waiting while none may be.
    private func nextLimit() -> Int? {
        while true {
            if let reason = dispatcher.haltReason {
                onHalt(reason)
                return nil
            }
            let paused = dispatcher.relayPausedUntil
            condition.lock()
            if stopping {
                condition.unlock()
                return nil
            }
            let free = capacity - inFlight
            let wait: Date?
            if inFlight > capacity / 2 {
                // Refilled half a capacity at a time: one lease transaction per batch, not per message.
                wait = .distantFuture
            } else if let paused {
                // After the pause, one message probes the relay; the others wait for its answer
                // (or for the messages leased before the pause to come back deferred).
                wait = inFlight > 0 ? .distantFuture : paused > Date() ? paused : nil
            } else {
                wait = nil
            }
            guard let wait else {
                condition.unlock()
                return paused == nil ? free : 1
            }
            woken = false
            while !woken && !stopping && Date() < wait { _ = condition.wait(until: min(wait, Date().addingTimeInterval(60))) }
            condition.unlock()
        }
    }

    /// The earliest next attempt time, or the next check for other processes' messages.
    private func nextWake() -> Date {
        let check = Date().addingTimeInterval(idleCheck.seconds)
        guard let next = try? store.status().nextRetryAt, next > Date() else { return check }
        return min(next, check)
    }

    private func sleep(until date: Date) {
        condition.lock()
        while !woken && !stopping && Date() < date { _ = condition.wait(until: date) }
        woken = false
        condition.unlock()
    }

    private func setFailure(_ text: String?) {
        condition.lock()
        storeFailure = text
        condition.unlock()
    }
}
