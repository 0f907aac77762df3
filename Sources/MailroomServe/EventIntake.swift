import Foundation
import Logging
import Mailroom

/// Takes events from any source (an HTTP request, standard input), stores the valid ones durably
/// in one transaction and records the others as rejected, with the CLI's reasons.
///
/// Blocking: the store's writes wait for the disk. Call it from a thread that may block.
package final class EventIntake: Sendable {
    /// What became of one event.
    package struct Result: Sendable, Equatable, Encodable {
        package enum Kind: String, Sendable, Encodable {
            case stored, duplicate, rejected
        }

        /// Nil for an event whose id is missing or invalid.
        package var id: String?
        package var result: Kind
        /// `$.path: what is wrong`, as `mailroom send` prints them; empty unless rejected.
        package var problems: [String]
        /// The event's line in the request body (or on standard input), from 1.
        package var line: Int

        private enum CodingKeys: String, CodingKey {
            case id, result, problems, line
        }

        /// `id` is always present, `null` when the event has none, so every result has one shape.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(result, forKey: .result)
            try container.encode(problems, forKey: .problems)
            try container.encode(line, forKey: .line)
        }
    }

    /// The outcome of one batch: a result per event in input order, or the failure that kept
    /// the batch from being stored (then none of its valid events is stored).
    package struct Outcome: Sendable {
        package var results: [Result]
        package var failure: OutboxError?

        package var allAccepted: Bool { failure == nil && results.allSatisfy { $0.result != .rejected } }
    }

    private let factory: MessageFactory
    private let store: any OutboxStore
    private let decoder = EventDecoder()
    private let initialState: MessageState
    private let metrics: ServeMetrics
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let onStored: @Sendable () -> Void

    /// - Parameters:
    ///   - initialState: `.queued` when a relay is configured, `.held` when not.
    ///   - onStored: called after a batch stored new messages, to wake the delivery loop.
    package init(factory: MessageFactory, store: any OutboxStore, initialState: MessageState, metrics: ServeMetrics,
                logger: Logger, now: @escaping @Sendable () -> Date = { Date() },
                onStored: @escaping @Sendable () -> Void) {
        self.factory = factory
        self.store = store
        self.initialState = initialState
        self.metrics = metrics
        self.logger = logger
        self.now = now
        self.onStored = onStored
    }

    /// Validates, renders and stores `lines` read from `source`; returns once every stored event
    /// is durable.
    package func accept(_ lines: [EventStreamReader.Line], source: String) -> Outcome {
        let date = now()
        var results: [Result] = []
        var messages: [(index: Int, message: NewMessage)] = []
        var rejected: [RejectedEvent] = []
        for line in lines {
            switch PreparedEvent.prepare(line, source: source, decoder: decoder, factory: factory, date: date,
                                         initialState: initialState) {
            case .message(let message):
                messages.append((results.count, message))
                results.append(Result(id: message.eventID, result: .stored, problems: [], line: line.number))
            case .rejected(let error, let raw):
                logger.notice("\(error.description)")
                rejected.append(PreparedEvent.record(of: error, raw: raw, at: date))
                results.append(Result(id: error.eventID, result: .rejected, problems: error.problems.map(\.description),
                                      line: line.number))
            }
        }
        metrics.counted(stored: 0, duplicates: 0, rejected: rejected.count)
        do {
            for record in rejected { try store.recordRejected(record) }
            guard !messages.isEmpty else { return Outcome(results: results, failure: nil) }
            let stored = try store.store(messages.map(\.message), leasingTo: nil)
            var duplicates = 0
            for ((index, _), result) in zip(messages, stored) where result.isDuplicate {
                results[index].result = .duplicate
                duplicates += 1
            }
            metrics.counted(stored: stored.count - duplicates, duplicates: duplicates, rejected: 0)
            if stored.count > duplicates { onStored() }
            return Outcome(results: results, failure: nil)
        } catch {
            logger.error("cannot store events in the outbox", metadata: ["events": "\(lines.count)", "error": "\(error)"])
            return Outcome(results: results, failure: error)
        }
    }
}
