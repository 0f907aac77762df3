import Foundation

/// Makes journal records durable in the background, many per flush (group commit).
///
/// An attempt's result used to be `fsync`ed by the SMTP worker that wrote it, about 0.7 ms here,
/// which alone held one connection below ~1,400 messages/s however fast the rest was. When a
/// result is journaled the server has already answered, so making the worker wait for the disk
/// protects nothing: what matters is how long a result could be lost to a power failure (the
/// message would then be found `attempt-started` or `queued` after a reboot, and might be sent
/// again). Here a flusher thread syncs the outbox's filesystem as soon as a record was written,
/// back to back, so that window stays about one flush long (~1 ms here) while one flush covers
/// every record written meanwhile. A process crash loses nothing: the records are in the page
/// cache. ``finish()`` flushes what is left before a run reports its outcome.
public final class JournalFlusher: @unchecked Sendable {
    private let outbox: Outbox
    // Everything below is guarded by `condition`.
    private let condition = NSCondition()
    /// Records written so far, and how many of them the last completed flush covered.
    private var written: UInt64 = 0
    private var flushed: UInt64 = 0
    private var running = false
    private var stopping = false
    private var lastError: OutboxError?

    public init(outbox: Outbox) {
        self.outbox = outbox
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
        condition.broadcast()
    }

    /// Stops the flusher and makes every record written so far durable.
    ///
    /// - Throws: the error of the final flush, or of a background flush that failed since.
    public func finish() throws(OutboxError) {
        condition.lock()
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
        let pending = written != flushed
        let failure = lastError
        condition.unlock()
        if pending { try outbox.sync() }
        if let failure { throw failure }
    }

    private func loop() {
        condition.lock()
        while true {
            while written == flushed && !stopping { condition.wait() }
            if written == flushed { break }
            let target = written
            condition.unlock()
            var failure: OutboxError?
            do { try outbox.sync() } catch { failure = error }
            condition.lock()
            if let failure { lastError = failure } else { flushed = target }
            if failure != nil && stopping { break }
        }
        running = false
        condition.broadcast()
        condition.unlock()
    }
}
