import Foundation
import Logging

/// `mailroom replay`: delivers stored messages again, from their exact stored bytes.
public final class ReplayRunner {
    private let outbox: Outbox
    private let logger: Logger
    private let now: @Sendable () -> Date

    public init(outbox: Outbox, logger: Logger, now: @escaping @Sendable () -> Date = { Date() }) {
        self.outbox = outbox
        self.logger = logger
        self.now = now
    }

    /// The messages the selection takes, oldest first.
    public func plan(_ selection: ReplaySelection) throws(OutboxError) -> [MessageRecord] {
        let at = now()
        let records: [MessageRecord]
        if selection.eventIDs.isEmpty {
            records = try outbox.records(states: selection.claimableStates)
        } else {
            var found: [MessageRecord] = []
            for id in selection.eventIDs {
                if let record = try outbox.record(eventID: id) { found.append(record) }
            }
            records = found
        }
        return records.filter { selection.includes($0, now: at) }
            .sorted { ($0.createdAt, $0.eventID) < ($1.createdAt, $1.eventID) }
    }

    /// Claims each planned message and hands it to the dispatcher; returns the run's summary.
    /// On `stop` no further message is claimed: those not reached, and the claimed ones not yet
    /// attempted, keep their state and count as not attempted.
    public func deliver(_ records: [MessageRecord], selection: ReplaySelection,
                        dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder, stop: StopSignal? = nil) -> RunSummary {
        stop?.onRaise { dispatcher.interrupt($0) }
        var notReached = 0
        for (index, record) in records.enumerated() {
            if dispatcher.isStopped { break }
            if stop?.reason != nil {
                notReached = records.count - index
                break
            }
            do {
                guard let claim = try outbox.claim(eventID: record.eventID, allowing: selection.claimableStates) else {
                    logger.info("skipped: claimed by another process or no longer selected", metadata: ["event": "\(record.eventID)"])
                    continue
                }
                let meta = try outbox.meta(eventID: record.eventID)
                let bytes = try outbox.messageBytes(eventID: record.eventID)
                if selection.force && ReplaySelection.forceOnlyStates.contains(claim.state) {
                    // Journal the operator's decision but keep the state: if the run stops before
                    // the attempt, the message must not become deliverable without --force.
                    try outbox.transition(claim, to: claim.state, reason: "forced replay by an operator")
                }
                recorder.hold(claim)
                dispatcher.submit(DeliveryJob(
                    eventID: record.eventID,
                    message: ComposedMessage(envelope: meta.envelope, messageID: meta.messageID, bytes: bytes),
                    storedAt: meta.createdAt, previousFailures: claim.previousAttempts))
            } catch {
                logger.error("cannot replay a message", metadata: ["event": "\(record.eventID)", "error": "\(error)"])
            }
        }
        var summary = RunSummary()
        summary.configurationError = dispatcher.finish()
        recorder.finish()
        summary.addDeliveries(of: recorder.summary)
        summary.notAttempted += notReached
        return summary
    }
}
