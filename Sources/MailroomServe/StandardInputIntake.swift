import Foundation
import Logging
import Mailroom

/// `serve -`: events from standard input beside HTTP, each handled as it arrives, like
/// `mailroom send -`.
///
/// One thread reads lines (it may block for ever on a pipe that stays open); another stores what
/// has arrived in one batch at a time, so a burst costs one durable write, not one per event. At
/// the end of input the service goes on with HTTP alone.
final class StandardInputIntake: @unchecked Sendable {
    private let intake: EventIntake
    private let logger: Logger
    private let fileDescriptor: Int32
    private let batchLimit = 256

    // Guarded by `condition`.
    private let condition = NSCondition()
    private var lines: [EventStreamReader.Line] = []
    private var ended = false
    private var stopping = false
    private var done = false

    init(intake: EventIntake, logger: Logger, fileDescriptor: Int32 = 0) {
        self.intake = intake
        self.logger = logger
        self.fileDescriptor = fileDescriptor
    }

    func start() {
        let reader = Thread { [self] in read() }
        reader.name = "mailroom-stdin"
        reader.start()
        let writer = Thread { [self] in store() }
        writer.name = "mailroom-stdin-store"
        writer.start()
    }

    /// Reads no more; stores the lines already read, then returns.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !done { condition.wait() }
        condition.unlock()
    }

    private func read() {
        var reader = EventStreamReader(fileDescriptor: fileDescriptor)
        do throws(EventStreamError) {
            while let line = try reader.next() {
                condition.lock()
                // Bounded: a fast producer waits for the store rather than filling memory.
                while lines.count >= batchLimit * 4 && !stopping { condition.wait() }
                let keep = !stopping
                if keep {
                    lines.append(line)
                    condition.broadcast()
                }
                condition.unlock()
                if !keep { return }
            }
        } catch {
            logger.error("cannot read standard input", metadata: ["error": "\(error)"])
        }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    private func store() {
        condition.lock()
        defer {
            done = true
            condition.broadcast()
            condition.unlock()
        }
        while true {
            while lines.isEmpty && !ended && !stopping { condition.wait() }
            if lines.isEmpty {
                if ended { logger.notice("end of standard input; events still come over HTTP") }
                while !stopping { condition.wait() }
                return
            }
            let batch = Array(lines.prefix(batchLimit))
            lines.removeFirst(batch.count)
            condition.broadcast()
            condition.unlock()
            let outcome = intake.accept(batch, source: "-")
            if let failure = outcome.failure {
                let ids = outcome.results.compactMap(\.id).prefix(20).joined(separator: ", ")
                logger.error("events from standard input were not stored and must be sent again",
                             metadata: ["events": "\(ids)", "error": "\(failure)"])
            }
            condition.lock()
        }
    }
}
