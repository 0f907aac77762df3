import DequeModule
import Foundation
import Logging
import Synchronization

/// Records every attempt the ``DeliveryDispatcher`` makes in the ``OutboxStore`` and counts the
/// final outcome of each message into a ``RunSummary``.
///
/// Holds the lease of every message handed to the dispatcher, so that no other process can
/// deliver it meanwhile; the lease ends in the transaction that records the message's outcome.
/// When the store cannot record an attempt's start, the attempt does not start; when it cannot
/// record a result, the lease stays (the message becomes `uncertain` once this process is gone,
/// never due again by itself) and the run stops.
///
/// An attempt's start is recorded on the SMTP worker, which waits for it. A message's final
/// outcome is recorded by the recorder's own thread: the worker goes on to its next message at
/// once. That thread gathers the outcomes of up to ``commitDelay`` (or ``gatherLimit`` of them)
/// into one transaction, whose index and journal pages the outcomes share: recorded one by one,
/// each wrote most of those pages again. The outcomes a kill finds still waiting leave their
/// messages `uncertain`, so the wait is kept short. A result that leads to a retry in this run is recorded on the worker, so
/// that it is in the journal before the retry starts.
package final class OutboxDeliveryRecorder: DeliveryObserver, @unchecked Sendable {
    private struct State {
        var leases: [String: Lease] = [:]
        var summary = RunSummary()
        var storeFailure: String?
    }

    private let store: any OutboxStore
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let onFinal: @Sendable (String, MessageState?, String) -> Void
    private let state = Mutex(State())
    /// Final outcomes waiting for the recorder's thread, oldest first; guarded by `pending`.
    private let pending = NSCondition()
    private var outcomes = Deque<Pending>()
    private var writing = false
    private var writerStarted = false
    private var draining = false

    /// How long the first of a batch of outcomes waits for others, and how many make a batch.
    static let commitDelay = 0.002
    static let gatherLimit = 64

    /// - Parameter onFinal: called once per message when its outcome is final, with the event id,
    ///   the state it is left in (nil when it was not attempted) and a one-line explanation.
    package init(store: any OutboxStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                onFinal: @escaping @Sendable (String, MessageState?, String) -> Void = { _, _, _ in }) {
        self.store = store
        self.logger = logger
        self.now = now
        self.onFinal = onFinal
    }

    /// Keeps `lease` until the dispatcher reports a final outcome for its message.
    package func hold(_ lease: Lease) {
        state.withLock { $0.leases[lease.eventID] = lease }
    }

    /// Records every outcome still waiting; call once the dispatcher finished, before reading
    /// ``summary`` or ``recordingFailure`` for the run's result.
    package func finish() {
        pending.lock()
        draining = true
        pending.broadcast()
        while !outcomes.isEmpty || writing { pending.wait() }
        pending.unlock()
    }

    /// The counts so far; complete once the dispatcher and ``finish()`` returned.
    package var summary: RunSummary { state.withLock { $0.summary } }

    /// The first thing the store could not record, if any: the run must stop with exit 74.
    package var recordingFailure: String? { state.withLock { $0.storeFailure } }

    package func willAttempt(_ job: DeliveryJob) -> Bool {
        guard recordingFailure == nil, let lease = lease(for: job) else { return false }
        return record(job) { () throws(OutboxError) in _ = try self.store.beginAttempt(lease) }
    }

    package func didFinish(_ job: DeliveryJob, attempt: DeliveryAttempt?, verdict: DeliveryVerdict?,
                          disposition: DeliveryDisposition) {
        guard let lease = lease(for: job) else { return }
        let explanation = attempt.map(DeliveryClassifier.explanation(for:)) ?? ""
        let result = attempt.map { AttemptRecord($0, classification: verdict?.rawValue ?? "unknown") }
        switch disposition {
        case .retrying(let wait):
            if let result {
                record(job) { () throws(OutboxError) in
                    try self.store.recordAttempt(lease, result: result, newState: .deferred,
                                                 nextAttemptAt: self.now().addingTimeInterval(wait.seconds), release: false)
                }
            }
            logger.debug("retrying", metadata: ["event": "\(job.eventID)", "after": "\(wait)", "attempt": "\(explanation)"])
        case .notAttempted(let reason):
            // The message keeps the state it had; the journal says why nothing happened.
            let outcome: LeaseOutcome = result.map { .attempt($0, newState: lease.state, nextAttemptAt: nil) } ?? .release
            later(job, lease, outcome, state: nil, explanation: explanation.isEmpty ? reason : explanation)
        case .deferred(let until):
            let outcome: LeaseOutcome = result.map { .attempt($0, newState: .deferred, nextAttemptAt: until) }
                ?? .transition(.deferred, reason: "not attempted: relay unreachable", nextAttemptAt: until)
            later(job, lease, outcome, state: .deferred, explanation: explanation.isEmpty ? "relay unreachable" : explanation)
        case .expired(let reason):
            later(job, lease, .transition(.expired, reason: reason, nextAttemptAt: nil), state: .expired, explanation: reason)
        case .sent, .failed, .uncertain:
            let finalState: MessageState = disposition == .sent ? .sent : disposition == .failed ? .failed : .uncertain
            // Failed without an attempt: the retry lifetime ran out while the relay did not respond.
            let unattempted: LeaseOutcome = finalState == .failed
                ? .transition(.failed, reason: "retry lifetime exceeded while the relay did not respond", nextAttemptAt: nil)
                : .release
            let outcome = result.map { .attempt($0, newState: finalState, nextAttemptAt: nil) } ?? unattempted
            later(job, lease, outcome, state: finalState,
                  explanation: explanation.isEmpty && result == nil ? "retry lifetime exceeded" : explanation)
        }
    }

    /// A final outcome on its way to the store.
    private struct Pending {
        var job: DeliveryJob
        var lease: Lease
        var outcome: LeaseOutcome
        var state: MessageState?
        var explanation: String
    }

    /// Queues a final outcome for the recorder's thread.
    private func later(_ job: DeliveryJob, _ lease: Lease, _ outcome: LeaseOutcome, state finalState: MessageState?,
                       explanation: String) {
        pending.lock()
        outcomes.append(Pending(job: job, lease: lease, outcome: outcome, state: finalState, explanation: explanation))
        if !writerStarted {
            writerStarted = true
            let thread = Thread { [self] in writeOutcomes() }
            thread.name = "mailroom-results"
            thread.start()
        }
        // The recorder's thread waits for the first outcome, then for a full batch.
        if outcomes.count == 1 || outcomes.count >= Self.gatherLimit { pending.signal() }
        pending.unlock()
    }

    /// The recorder's thread: records every outcome queued within ``commitDelay`` of the first
    /// in one transaction, then the next ones; it ends after a second with nothing to do
    /// (``later(_:_:_:state:explanation:)`` starts another).
    private func writeOutcomes() {
        pending.lock()
        while true {
            let idle = Date().addingTimeInterval(1)
            while outcomes.isEmpty && Date() < idle { _ = pending.wait(until: idle) }
            guard !outcomes.isEmpty else {
                writerStarted = false
                pending.broadcast()
                pending.unlock()
                return
            }
            let gathered = Date().addingTimeInterval(Self.commitDelay)
            while outcomes.count < Self.gatherLimit && !draining && Date() < gathered { _ = pending.wait(until: gathered) }
            let batch = Array(outcomes)
            outcomes.removeAll()
            writing = true
            pending.unlock()
            record(batch)
            pending.lock()
            writing = false
            pending.broadcast()
        }
    }

    private func record(_ batch: [Pending]) {
        var errors: [OutboxError?] = []
        do {
            errors = try store.finish(batch.map { ($0.lease, $0.outcome) })
        } catch {
            failed(error, event: "\(batch.count) messages' outcomes")
        }
        for (index, item) in batch.enumerated() {
            if index < errors.count, let error = errors[index] { failed(error, event: item.job.eventID) }
            finish(item.job, state: item.state, explanation: item.explanation)
        }
    }

    private func lease(for job: DeliveryJob) -> Lease? {
        let lease = state.withLock { $0.leases[job.eventID] }
        if lease == nil { logger.error("no lease held for a dispatched message", metadata: ["event": "\(job.eventID)"]) }
        return lease
    }

    private func finish(_ job: DeliveryJob, state finalState: MessageState?, explanation: String) {
        state.withLock { state in
            if let finalState { state.summary.count(finalState) } else { state.summary.notAttempted += 1 }
            state.leases.removeValue(forKey: job.eventID)
        }
        onFinal(job.eventID, finalState, explanation)
    }

    /// Runs one store write; a failure is logged and remembered as the run's recording failure.
    @discardableResult
    private func record(_ job: DeliveryJob, _ write: () throws(OutboxError) -> Void) -> Bool {
        do {
            try write()
            return true
        } catch {
            failed(error, event: job.eventID)
            return false
        }
    }

    /// Logs a write that failed and keeps the first as the run's recording failure.
    private func failed(_ error: OutboxError, event: String) {
        let text = "\(error)"
        state.withLock { state in
            if state.storeFailure == nil { state.storeFailure = text }
        }
        logger.error("cannot record in the outbox", metadata: ["event": "\(event)", "error": "\(text)"])
    }
}
