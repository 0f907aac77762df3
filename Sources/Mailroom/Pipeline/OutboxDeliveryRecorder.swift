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
public final class OutboxDeliveryRecorder: DeliveryObserver {
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

    /// - Parameter onFinal: called once per message when its outcome is final, with the event id,
    ///   the state it is left in (nil when it was not attempted) and a one-line explanation.
    public init(store: any OutboxStore, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                onFinal: @escaping @Sendable (String, MessageState?, String) -> Void = { _, _, _ in }) {
        self.store = store
        self.logger = logger
        self.now = now
        self.onFinal = onFinal
    }

    /// Keeps `lease` until the dispatcher reports a final outcome for its message.
    public func hold(_ lease: Lease) {
        state.withLock { $0.leases[lease.eventID] = lease }
    }

    /// The counts so far; complete once the dispatcher finished.
    public var summary: RunSummary { state.withLock { $0.summary } }

    /// The first thing the store could not record, if any: the run must stop with exit 74.
    public var recordingFailure: String? { state.withLock { $0.storeFailure } }

    public func willAttempt(_ job: DeliveryJob) -> Bool {
        guard recordingFailure == nil, let lease = lease(for: job) else { return false }
        return record(job) { () throws(OutboxError) in _ = try self.store.beginAttempt(lease) }
    }

    public func didFinish(_ job: DeliveryJob, attempt: DeliveryAttempt?, verdict: DeliveryVerdict?,
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
            if let result {
                record(job) { () throws(OutboxError) in
                    try self.store.recordAttempt(lease, result: result, newState: lease.state, nextAttemptAt: nil,
                                                 release: true)
                }
            } else {
                record(job) { () throws(OutboxError) in try self.store.release(lease) }
            }
            finish(job, state: nil, explanation: explanation.isEmpty ? reason : explanation)
        case .deferred(let until):
            if let result {
                record(job) { () throws(OutboxError) in
                    try self.store.recordAttempt(lease, result: result, newState: .deferred, nextAttemptAt: until,
                                                 release: true)
                }
            } else {
                record(job) { () throws(OutboxError) in
                    try self.store.transition(lease, to: .deferred, reason: "not attempted: relay unreachable",
                                              nextAttemptAt: until, release: true)
                }
            }
            finish(job, state: .deferred, explanation: explanation.isEmpty ? "relay unreachable" : explanation)
        case .sent, .failed, .uncertain:
            let finalState: MessageState = disposition == .sent ? .sent : disposition == .failed ? .failed : .uncertain
            if let result {
                record(job) { () throws(OutboxError) in
                    try self.store.recordAttempt(lease, result: result, newState: finalState, nextAttemptAt: nil,
                                                 release: true)
                }
            }
            finish(job, state: finalState, explanation: explanation)
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
            let text = "\(error)"
            state.withLock { state in
                if state.storeFailure == nil { state.storeFailure = text }
            }
            logger.error("cannot record in the outbox", metadata: ["event": "\(job.eventID)", "error": "\(text)"])
            return false
        }
    }
}
