import Foundation
import Logging

/// `mailroom send`: events in, each validated, rendered, stored durably, then delivered (or held).
///
/// Input is read on its own thread into a bounded queue, so a stream that never closes is
/// handled as it arrives and memory stays flat. Messages are stored in batches (one sync for
/// the batch) and a batch is committed as soon as input pauses, so no event waits for the next.
/// A message reaches the dispatcher only after its batch is on disk.
public final class SendPipeline {
    private let decoder = EventDecoder()
    private let factory: MessageFactory
    private let outbox: Outbox
    private let delivery: (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)?
    private let reporter: any RunReporter
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let batchSize: Int
    private var batch: [NewMessage] = []
    private var local = RunSummary()

    /// - Parameter delivery: nil when no transport is configured: messages are stored `held`.
    public init(factory: MessageFactory, outbox: Outbox,
                delivery: (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)?,
                reporter: any RunReporter, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                batchSize: Int = 64) {
        self.factory = factory
        self.outbox = outbox
        self.delivery = delivery
        self.reporter = reporter
        self.logger = logger
        self.now = now
        self.batchSize = max(1, batchSize)
    }

    private enum Input: Sendable {
        case line(EventStreamReader.Line)
        case failed(EventStreamError)
    }

    /// Reads every event from `reader` until end of input (or until the run is stopped by a
    /// configuration error). `source` names the input in messages and in the outbox.
    public func consume(_ reader: EventStreamReader, source: String) {
        let queue = BlockingQueue<Input>(capacity: 1024)
        let feeder = Thread {
            var reader = reader
            do throws(EventStreamError) {
                while let line = try reader.next() { queue.put(.line(line)) }
            } catch {
                queue.put(.failed(error))
            }
            queue.close()
        }
        feeder.name = "mailroom-input"
        feeder.start()
        var stopped = false
        while true {
            switch queue.take(timeout: batch.isEmpty ? nil : .milliseconds(5)) {
            case .timedOut:
                commit()
            case .closed:
                commit()
                return
            case .item(.failed(let error)):
                commit()
                reporter.rejected("cannot read \(source): \(error)")
                local.rejected += 1
            case .item(.line(let line)):
                if stopped { continue }  // drain the feeder so it can finish
                handle(line, source: source)
                if batch.count >= batchSize { commit() }
                if delivery?.dispatcher.isStopped == true {
                    commit()
                    stopped = true
                }
            }
        }
    }

    /// Waits for every message to reach its outcome and returns the run's summary.
    public func finish() -> RunSummary {
        commit()
        var summary = local
        if let delivery {
            let stop = delivery.dispatcher.finish()
            summary.addDeliveries(of: delivery.recorder.summary)
            summary.configurationError = stop
        }
        do { try outbox.sync() } catch { logger.error("cannot sync the outbox", metadata: ["error": "\(error)"]) }
        return summary
    }

    private func handle(_ line: EventStreamReader.Line, source: String) {
        switch line {
        case .overlong(let number, let length):
            reject(EventValidationError(line: number, source: source, problems: [
                .init(path: "$", message: "the line is \(length) bytes long; an event may be at most \(EventStreamReader.defaultMaxLineLength) bytes"),
            ]), raw: [])
        case .line(let number, let bytes):
            let event: Event
            do {
                event = try decoder.decode(bytes, lineNumber: number, source: source)
            } catch {
                reject(error, raw: bytes)
                return
            }
            do {
                let made = try factory.make(event, date: now())
                batch.append(NewMessage(
                    eventID: event.id, eventType: event.type.rawValue, template: made.email.templateName,
                    locale: made.email.locale, sourceEvent: bytes, composed: made.message,
                    initialState: delivery == nil ? .held : .queued, source: source, line: number))
            } catch {
                reject(EventValidationError(eventID: event.id, line: number, source: source, problems: [
                    .init(path: "$", message: "cannot be rendered: \(error)"),
                ]), raw: bytes)
            }
        }
    }

    private func reject(_ error: EventValidationError, raw: [UInt8]) {
        local.rejected += 1
        reporter.rejected(error.description)
        do {
            try outbox.recordRejected(source: error.source ?? "-", line: error.line ?? 0, eventID: error.eventID,
                                      problems: error.problems.map(\.description), raw: raw, sync: false)
        } catch {
            logger.error("cannot record a rejected event", metadata: ["error": "\(error)"])
        }
    }

    /// Stores the batch durably, then hands its new messages to the dispatcher.
    private func commit() {
        guard !batch.isEmpty else { return }
        let pending = batch
        batch.removeAll(keepingCapacity: true)
        let results: [StoreResult]
        do {
            results = try outbox.store(pending)
        } catch {
            // Nothing of this batch is known to be stored: say so for each event, send none. The
            // events were valid, so this is not a rejection: the producer must send them again.
            local.notStored += pending.count
            for message in pending {
                reporter.rejected("event \(message.eventID) (line \(message.line ?? 0) of \(message.source ?? "-")) "
                                  + "was not stored, send it again: \(error)")
            }
            logger.error("cannot store a batch in the outbox", metadata: ["events": "\(pending.count)", "error": "\(error)"])
            return
        }
        for (message, result) in zip(pending, results) {
            if result.isDuplicate {
                local.duplicate += 1
                reporter.duplicate(eventID: message.eventID, source: message.source ?? "-", line: message.line ?? 0)
                continue
            }
            guard let delivery else {
                local.held += 1
                continue
            }
            submit(message, to: delivery)
        }
        reporter.progress(currentSummary())
    }

    private func submit(_ message: NewMessage,
                        to delivery: (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)) {
        do {
            // Another process (a concurrent replay) may have claimed it first: then it is theirs,
            // and once their lock is free the state says so. Waiting for the lock (rather than
            // skipping) matters because a lock may also be held briefly by a process that does not
            // deliver it (a recovery, a claim it dropped): skipping then left the message queued.
            guard let claim = try outbox.claim(eventID: message.eventID, wait: true) else {
                logger.info("message claimed by another process", metadata: ["event": "\(message.eventID)"])
                return
            }
            delivery.recorder.hold(claim)
            delivery.dispatcher.submit(DeliveryJob(eventID: message.eventID, message: message.composed, storedAt: now()))
        } catch {
            logger.error("cannot claim a stored message", metadata: ["event": "\(message.eventID)", "error": "\(error)"])
        }
    }

    private func currentSummary() -> RunSummary {
        var summary = local
        if let delivered = delivery?.recorder.summary { summary.addDeliveries(of: delivered) }
        return summary
    }
}
