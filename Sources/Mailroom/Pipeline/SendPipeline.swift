import Foundation
import Logging

/// `mailroom send`: events in, each validated, rendered, stored durably, then delivered (or held).
///
/// Input is read on its own thread into a bounded queue, so a stream that never closes is
/// handled as it arrives and memory stays flat. Messages are stored in batches (one sync for
/// the batch) and a batch is committed as soon as input pauses, so no event waits for the next.
/// A message reaches the dispatcher only after its batch is on disk.
package final class SendPipeline {
    private let decoder = EventDecoder()
    private let factory: MessageFactory
    private let store: any OutboxStore
    private let owner: LeaseOwner
    private let delivery: (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)?
    private let reporter: any RunReporter
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let batchSize: Int
    /// The size at which the current batch is committed: small at first, so the first messages
    /// reach the relay while later ones are still being rendered and stored, then doubling up to
    /// ``batchSize`` (a run of 1,000 events waited for 64 renders, 64 stores and a sync before
    /// its first byte went out).
    private var commitSize: Int
    private var batch: [NewMessage] = []
    private var local = RunSummary()

    /// - Parameter delivery: nil when no transport is configured: messages are stored `held`.
    package init(factory: MessageFactory, store: any OutboxStore, owner: LeaseOwner = .current,
                delivery: (dispatcher: DeliveryDispatcher, recorder: OutboxDeliveryRecorder)?,
                reporter: any RunReporter, logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                batchSize: Int = 64) {
        self.factory = factory
        self.store = store
        self.owner = owner
        self.delivery = delivery
        self.reporter = reporter
        self.logger = logger
        self.now = now
        self.batchSize = max(1, batchSize)
        self.commitSize = min(8, self.batchSize)
    }

    /// One input line after the input thread's work: a message ready to store, or why not.
    private enum Prepared: Sendable {
        case message(NewMessage)
        case rejected(EventValidationError, raw: [UInt8])
        case readFailed(EventStreamError)
    }

    /// Reads every event from `reader` until end of input (or until the run is stopped by a
    /// configuration error, an outbox failure, or `stop`). `source` names the input in messages and
    /// in the outbox. On `stop` the events already read are still stored, but not attempted.
    ///
    /// Two stages on two threads: the input thread reads, validates, renders and composes; this
    /// thread stores batches and hands them on. Order is kept, so a duplicate within the input is
    /// always the later line.
    package func consume(_ reader: EventStreamReader, source: String, stop: StopSignal? = nil) {
        if stop?.reason != nil { return }
        let queue = BlockingQueue<Prepared>(capacity: 256)
        let decoder = decoder
        let factory = factory
        let now = now
        let initialState: MessageState = delivery == nil ? .held : .queued
        let feeder = Thread {
            var reader = reader
            do throws(EventStreamError) {
                while stop?.reason == nil, let line = try reader.next() {
                    queue.put(Self.prepare(line, source: source, decoder: decoder, factory: factory,
                                           date: now(), initialState: initialState))
                }
            } catch {
                queue.put(.readFailed(error))
            }
            queue.close()
        }
        feeder.name = "mailroom-input"
        feeder.start()
        // The input thread may be blocked reading a stream that never closes: closing the queue
        // ends this loop without it, after what was already read (the dispatcher takes no more).
        stop?.onRaise { [dispatcher = delivery?.dispatcher] reason in
            dispatcher?.interrupt(reason)
            queue.close()
        }
        var stopped = false
        while true {
            switch queue.take(timeout: batch.isEmpty ? nil : .milliseconds(5)) {
            case .timedOut:
                commit()
            case .closed:
                commit()
                return
            case .item(.readFailed(let error)):
                commit()
                reporter.rejected("cannot read \(source): \(error)")
                local.rejected += 1
            case .item(.rejected(let error, let raw)):
                if !stopped { reject(error, raw: raw) }
            case .item(.message(let message)):
                if local.storeFailure != nil {
                    // The outbox cannot record: nothing more is stored, and every valid event
                    // read from now on is named as one to send again.
                    notStored([message])
                    continue
                }
                if stopped { continue }  // drain the input thread so it can finish
                batch.append(message)
                if batch.count >= commitSize {
                    commit()
                    commitSize = min(commitSize * 2, batchSize)
                }
                if delivery?.dispatcher.isStopped == true {
                    commit()
                    stopped = true
                }
            }
        }
    }

    /// Validates, renders and composes one line (on the input thread).
    private static func prepare(_ line: EventStreamReader.Line, source: String, decoder: EventDecoder,
                                factory: MessageFactory, date: Date, initialState: MessageState) -> Prepared {
        switch PreparedEvent.prepare(line, source: source, decoder: decoder, factory: factory, date: date,
                                     initialState: initialState) {
        case .message(let message): .message(message)
        case .rejected(let error, let raw): .rejected(error, raw: raw)
        }
    }

    /// Turns the committed rows of `table` into messages until none is left (with `follow`,
    /// until `stop`, looking again every `pollInterval`), a batch at a time: each row is
    /// validated and rendered as an input line is (its id as the line number, the table's name
    /// as the source), then stored or recorded as rejected, and deleted, in one transaction
    /// shared by the batch (``EventTable/take(limit:leasingTo:_:)``).
    package func consume(table: any EventTable, follow: Bool = false, pollInterval: Duration = .seconds(1),
                        stop: StopSignal? = nil) {
        let decoder = decoder
        let factory = factory
        let initialState: MessageState = delivery == nil ? .held : .queued
        stop?.onRaise { [dispatcher = delivery?.dispatcher] reason in dispatcher?.interrupt(reason) }
        while stop?.reason == nil, delivery?.dispatcher.isStopped != true, local.storeFailure == nil {
            var messages: [NewMessage] = []
            var rejections: [(EventValidationError, [UInt8])] = []
            let results: [StoreResult]
            do {
                results = try table.take(limit: commitSize, leasingTo: delivery == nil ? nil : owner) { rows in
                    messages = []
                    rejections = []
                    return rows.map { row in
                        let line: EventStreamReader.Line = row.event.count > EventStreamReader.defaultMaxLineLength
                            ? .overlong(number: Int(row.id), length: row.event.count)
                            : .line(number: Int(row.id), bytes: row.event)
                        switch Self.prepare(line, source: table.name, decoder: decoder, factory: factory, date: now(),
                                            initialState: initialState) {
                        case .message(let message):
                            messages.append(message)
                            return .message(message)
                        case .rejected(let error, let raw):
                            rejections.append((error, raw))
                            return .rejected(PreparedEvent.record(of: error, raw: raw, at: now()))
                        case .readFailed(let error):
                            let problem = EventValidationError(eventID: nil, line: Int(row.id), source: table.name,
                                                               problems: [.init(path: "$", message: "\(error)")])
                            rejections.append((problem, row.event))
                            return .rejected(PreparedEvent.record(of: problem, raw: row.event, at: now()))
                        }
                    }
                }
            } catch {
                logger.error("cannot take events from \(table.name)", metadata: ["error": "\(error)"])
                failed(error)
                return
            }
            for (error, _) in rejections {
                local.rejected += 1
                reporter.rejected(error.description)
            }
            handOff(messages, results)
            if !messages.isEmpty || !rejections.isEmpty {
                commitSize = min(commitSize * 2, batchSize)
                continue
            }
            guard follow else { return }
            // Polling, in steps short enough that a signal ends the wait at once.
            let until = ContinuousClock.now.advanced(by: pollInterval)
            while stop?.reason == nil, ContinuousClock.now < until { Thread.sleep(forTimeInterval: 0.05) }
        }
    }

    /// Waits for every message to reach its outcome and returns the run's summary.
    package func finish() -> RunSummary {
        commit()
        var summary = local
        if let delivery {
            let stop = delivery.dispatcher.finish()
            delivery.recorder.finish()
            summary.addDeliveries(of: delivery.recorder.summary)
            if let failure = delivery.recorder.recordingFailure {
                summary.storeFailure = summary.storeFailure ?? failure
            } else if summary.storeFailure == nil {
                summary.configurationError = stop
            }
        }
        do {
            try store.sync()
        } catch {
            logger.error("cannot sync the outbox", metadata: ["error": "\(error)"])
            summary.storeFailure = summary.storeFailure ?? "\(error)"
        }
        return summary
    }

    private func reject(_ error: EventValidationError, raw: [UInt8]) {
        local.rejected += 1
        reporter.rejected(error.description)
        guard local.storeFailure == nil else { return }
        do {
            try store.recordRejected(PreparedEvent.record(of: error, raw: raw, at: now()))
        } catch {
            logger.error("cannot record a rejected event", metadata: ["error": "\(error)"])
            failed(error)
        }
    }

    /// Stops the run on an outbox failure: no more deliveries start, nothing more is stored.
    private func failed(_ error: OutboxError) {
        if local.storeFailure == nil { local.storeFailure = error.description }
        delivery?.dispatcher.stop(because: error.description)
    }

    private func notStored(_ messages: [NewMessage]) {
        local.notStored += messages.count
        for message in messages {
            if local.notStoredEvents.count < RunSummary.namedLimit { local.notStoredEvents.append(message.eventID) }
            reporter.rejected("event \(message.eventID) (line \(message.line ?? 0) of \(message.source ?? "-")) "
                              + "was not stored, send it again")
        }
    }

    /// Stores the batch durably, then hands its new messages to the dispatcher.
    private func commit() {
        guard !batch.isEmpty else { return }
        let pending = batch
        batch.removeAll(keepingCapacity: true)
        let results: [StoreResult]
        do {
            results = try store.store(pending, leasingTo: delivery == nil ? nil : owner)
        } catch {
            // Nothing of this batch is stored: say so for each event, send none, stop. The events
            // were valid, so this is not a rejection: the producer must send them again.
            logger.error("cannot store a batch in the outbox", metadata: ["events": "\(pending.count)", "error": "\(error)"])
            failed(error)
            notStored(pending)
            return
        }
        handOff(pending, results)
    }

    /// Counts and reports what was stored, and gives each new message's lease to the dispatcher.
    private func handOff(_ pending: [NewMessage], _ results: [StoreResult]) {
        var expiredLeases: [(lease: Lease, outcome: LeaseOutcome)] = []
        for (message, result) in zip(pending, results) {
            if result.isDuplicate {
                local.duplicate += 1
                reporter.duplicate(eventID: message.eventID, source: message.source ?? "-", line: message.line ?? 0)
                continue
            }
            if message.initialState == .expired {
                local.expired += 1
                reporter.finished(eventID: message.eventID, state: .expired, explanation: message.note ?? "expired")
                if let lease = result.lease { expiredLeases.append((lease, .release)) }
                continue
            }
            guard let delivery else {
                local.held += 1
                continue
            }
            guard let lease = result.lease else { continue }
            delivery.recorder.hold(lease)
            delivery.dispatcher.submit(DeliveryJob(eventID: message.eventID, message: message.composed, storedAt: now()))
        }
        if !expiredLeases.isEmpty {
            // Stored leased like the rest of the batch, but never delivered: end the leases at once.
            do {
                _ = try store.finish(expiredLeases)
            } catch {
                logger.error("cannot release expired messages", metadata: ["error": "\(error)"])
                failed(error)
            }
        }
        reporter.progress(currentSummary())
    }

    private func currentSummary() -> RunSummary {
        var summary = local
        if let delivered = delivery?.recorder.summary { summary.addDeliveries(of: delivered) }
        return summary
    }
}
