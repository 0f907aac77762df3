import Foundation
import Logging

/// `mailroom replay`: delivers stored messages again, from their exact stored bytes.
package final class ReplayRunner {
    private let store: any OutboxStore
    private let owner: LeaseOwner
    private let logger: Logger
    private let now: @Sendable () -> Date
    /// Messages leased per transaction.
    private let claimBatch = 64

    package init(store: any OutboxStore, owner: LeaseOwner = .current, logger: Logger,
                now: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.owner = owner
        self.logger = logger
        self.now = now
    }

    /// The messages the selection takes, oldest first.
    package func plan(_ selection: ReplaySelection) throws -> [MessageRecord] {
        var records: [MessageRecord] = []
        try store.forEachRecord(selection.filter(now: now())) { record in
            // A redacted message has no bytes left to send, whatever an operator asks.
            if record.leasedBy == nil && record.redaction == nil { records.append(record) }
        }
        return records
    }

    /// Leases the planned messages a batch at a time and hands them to the dispatcher; returns the
    /// run's summary. A message another process leased meanwhile, or whose state changed, is
    /// skipped. On `stop` no further message is leased: those not reached, and the leased ones
    /// not yet attempted, keep their state and count as not attempted.
    package func deliver(_ records: [MessageRecord], selection: ReplaySelection,
                        dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder, stop: StopSignal? = nil)
        -> RunSummary
    {
        stop?.onRaise { dispatcher.interrupt($0) }
        var notReached = 0
        var storeFailure: String?
        var start = 0
        while start < records.count && !dispatcher.isStopped {
            if stop?.reason != nil {
                notReached = records.count - start
                break
            }
            let ids = records[start..<min(start + claimBatch, records.count)].map(\.eventID)
            start += ids.count
            let claimed: [ClaimedMessage]
            do {
                claimed = try store.claim(ids, allowing: selection.claimableStates, owner: owner)
            } catch {
                logger.error("cannot lease messages", metadata: ["error": "\(error)"])
                storeFailure = error.description
                dispatcher.stop(because: error.description)
                break
            }
            if claimed.count < ids.count {
                logger.info("skipped: leased by another process or no longer selected",
                            metadata: ["messages": "\(ids.count - claimed.count)"])
            }
            for item in claimed {
                let lease = item.lease
                if selection.force && ReplaySelection.forceOnlyStates.contains(lease.state) {
                    // Record the operator's decision but keep the state: if the run stops before
                    // the attempt, the message must not become deliverable without --force.
                    do {
                        try store.transition(lease, to: lease.state, reason: "forced replay by an operator",
                                             nextAttemptAt: nil, release: false)
                    } catch {
                        storeFailure = storeFailure ?? error.description
                        dispatcher.stop(because: error.description)
                    }
                }
                recorder.hold(lease)
                var job = DeliveryJob(eventID: lease.eventID, message: item.message, storedAt: item.storedAt,
                                      previousFailures: lease.previousAttempts)
                // --force sends on purpose, past a deadline too; otherwise the deadline holds.
                if selection.force { job.deadline = nil }
                dispatcher.submit(job)
            }
        }
        var summary = RunSummary()
        let stopped = dispatcher.finish()
        recorder.finish()
        summary.addDeliveries(of: recorder.summary)
        summary.notAttempted += notReached
        summary.storeFailure = storeFailure ?? recorder.recordingFailure
        if summary.storeFailure == nil { summary.configurationError = stopped }
        do {
            try store.sync()
        } catch {
            summary.storeFailure = summary.storeFailure ?? error.description
        }
        return summary
    }
}
