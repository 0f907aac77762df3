import Foundation
import Logging
import Synchronization

/// Journals every attempt the ``DeliveryDispatcher`` makes into the ``Outbox`` and counts the
/// final outcome of each message into a ``RunSummary``.
///
/// Holds the claim of every message handed to the dispatcher, so that no other process can
/// deliver it meanwhile, and releases it once the message's outcome is journaled.
public final class OutboxDeliveryRecorder: DeliveryObserver {
    private struct State {
        var claims: [String: Claim] = [:]
        var summary = RunSummary()
        var journalFailures = 0
    }

    private let outbox: Outbox
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let onFinal: @Sendable (String, MessageState?, String) -> Void
    private let state = Mutex(State())
    /// Makes results durable in groups, off the SMTP workers; see ``JournalFlusher``.
    private let flusher: JournalFlusher

    /// - Parameter onFinal: called once per message when its outcome is final, with the event id,
    ///   the state it is left in (nil when it was not attempted) and a one-line explanation.
    public init(outbox: Outbox, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                onFinal: @escaping @Sendable (String, MessageState?, String) -> Void = { _, _, _ in }) {
        self.outbox = outbox
        self.logger = logger
        self.now = now
        self.onFinal = onFinal
        self.flusher = JournalFlusher(outbox: outbox)
    }

    /// Makes every journaled result durable; call once the dispatcher finished, before reporting.
    public func finish() {
        do {
            try flusher.finish()
        } catch {
            state.withLock { $0.journalFailures += 1 }
            logger.error("cannot flush the journal", metadata: ["error": "\(error)"])
        }
    }

    /// Keeps `claim` until the dispatcher reports a final outcome for its message.
    public func hold(_ claim: Claim) {
        state.withLock { $0.claims[claim.eventID] = claim }
    }

    /// The counts so far; complete once the dispatcher finished.
    public var summary: RunSummary { state.withLock { $0.summary } }

    /// Journal writes that failed (each was logged); a non-zero count makes the run's result suspect.
    public var journalFailures: Int { state.withLock { $0.journalFailures } }

    public func willAttempt(_ job: DeliveryJob) {
        guard let claim = claim(for: job) else { return }
        journal(job) { try self.outbox.beginAttempt(claim) }
    }

    public func didFinish(_ job: DeliveryJob, attempt: DeliveryAttempt?, verdict: DeliveryVerdict?,
                          disposition: DeliveryDisposition) {
        guard let claim = claim(for: job) else { return }
        let explanation = attempt.map(DeliveryClassifier.explanation(for:)) ?? ""
        let record = attempt.map { AttemptRecord($0, classification: verdict?.rawValue ?? "unknown") }
        switch disposition {
        case .retrying(let wait):
            if let record {
                journal(job) {
                    try self.outbox.recordAttempt(claim, result: record, newState: .deferred,
                                                  nextAttemptAt: self.now().addingTimeInterval(wait.seconds), sync: false)
                }
            }
            logger.debug("retrying", metadata: ["event": "\(job.eventID)", "after": "\(wait)", "attempt": "\(explanation)"])
        case .notAttempted(let reason):
            // The message keeps the state it had; the journal says why nothing happened.
            if let record {
                journal(job) { try self.record(claim, record, newState: claim.state, nextAttemptAt: nil) }
            }
            finish(job, state: nil, explanation: explanation.isEmpty ? reason : explanation)
        case .deferred(let until):
            if let record {
                journal(job) { try self.record(claim, record, newState: .deferred, nextAttemptAt: until) }
            } else {
                journal(job) {
                    try self.outbox.transition(claim, to: .deferred, reason: "not attempted: relay unreachable",
                                               nextAttemptAt: until, sync: false)
                    self.flusher.written()
                }
            }
            finish(job, state: .deferred, explanation: explanation.isEmpty ? "relay unreachable" : explanation)
        case .sent, .failed, .uncertain:
            let finalState: MessageState = disposition == .sent ? .sent : disposition == .failed ? .failed : .uncertain
            if let record {
                journal(job) { try self.record(claim, record, newState: finalState, nextAttemptAt: nil) }
            }
            finish(job, state: finalState, explanation: explanation)
        }
    }

    /// Journals a final result without waiting for the disk; the flusher makes it durable.
    private func record(_ claim: Claim, _ result: AttemptRecord, newState: MessageState, nextAttemptAt: Date?)
        throws(OutboxError)
    {
        try outbox.recordAttempt(claim, result: result, newState: newState, nextAttemptAt: nextAttemptAt, sync: false)
        flusher.written()
    }

    private func claim(for job: DeliveryJob) -> Claim? {
        let claim = state.withLock { $0.claims[job.eventID] }
        if claim == nil { logger.error("no claim held for a dispatched message", metadata: ["event": "\(job.eventID)"]) }
        return claim
    }

    private func finish(_ job: DeliveryJob, state finalState: MessageState?, explanation: String) {
        let claim = state.withLock { state -> Claim? in
            if let finalState { state.summary.count(finalState) } else { state.summary.notAttempted += 1 }
            return state.claims.removeValue(forKey: job.eventID)
        }
        claim?.release()
        onFinal(job.eventID, finalState, explanation)
    }

    private func journal(_ job: DeliveryJob, _ write: () throws -> Void) {
        do {
            try write()
        } catch {
            state.withLock { $0.journalFailures += 1 }
            logger.error("cannot write the journal", metadata: ["event": "\(job.eventID)", "error": "\(error)"])
        }
    }
}
