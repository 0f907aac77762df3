import Foundation

/// Makes journal records durable in the background, many per flush (group commit).
///
/// An attempt's result used to be `fsync`ed by the SMTP worker that wrote it, about 0.7 ms here,
/// which alone held one connection below ~1,400 messages/s however fast the rest was. When a
/// result is journaled the server has already answered, so making the worker wait for the disk
/// protects nothing: what matters is how long a result could be lost to a power failure (the
/// message would then be found `attempt-started` or `queued` after a reboot, and might be sent
/// again). Here a flusher thread syncs the outbox's filesystem once records were written, at most
/// every ``interval`` (5 ms), so that window stays a few milliseconds while one flush covers
/// every record written meanwhile (syncing back to back cost ~4% of the CPU at 4,000 messages/s).
/// A process crash loses nothing: the records are in the page cache. ``finish()`` flushes what is
/// left before a run reports its outcome.
public final class JournalFlusher: @unchecked Sendable {
    private let outbox: Outbox
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    /// Records written so far, and how many of them the last completed flush covered.
    private var written: UInt64 = 0
    private var flushed: UInt64 = 0
    private var running = false
    private var stopping = false
    /// The flusher waits for records (not for its interval): only then does a write wake it.
    private var idle = false

    /// The shortest time between the starts of two flushes.
    public let interval: Duration

    public init(outbox: Outbox, interval: Duration = .milliseconds(5)) {
        self.outbox = outbox
        self.interval = interval
    }

    /// Notes that a record was written without `sync`; it will be flushed shortly.
    public func written(_ count: Int = 1) {
        condition.lock()
        defer { condition.unlock() }
        written += UInt64(count)
        if !running && !stopping {
            running = true
            let thread = Thread { [self] in loop() }
            thread.name = "mailroom-journal-flush"
            thread.start()
        }
        if idle { condition.broadcast() }
    }

    /// Stops the flusher and makes every record written so far durable.
    ///
    /// - Throws: the error of the final flush. A background flush that failed is retried by the
    ///   next one; only a flush that covers every record decides.
    public func finish() throws(OutboxError) {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        let target = written
        let pending = target != flushed
        condition.unlock()
        guard pending else { return }
        try outbox.sync()
        condition.lock()
        flushed = max(flushed, target)
        condition.unlock()
    }

    private func loop() {
        condition.lock()
        while true {
            while written == flushed && !stopping {
                idle = true
                condition.wait()
                idle = false
            }
            if written == flushed { break }
            let target = written
            condition.unlock()
            let started = Date()
            var failure: OutboxError?
            do { try outbox.sync() } catch { failure = error }
            condition.lock()
            // Let records gather until the interval is over, unless the run is finishing.
            let next = started.addingTimeInterval(interval.seconds)
            while !stopping && Date() < next { _ = condition.wait(until: next) }
            // A failed flush leaves `flushed` behind, so the next one (or `finish`) tries again.
            if failure == nil { flushed = target }
            if failure != nil && stopping { break }
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
