import Foundation
import GRDB
import Mailroom

/// Runs the writes of several threads in one transaction (group commit), without a thread of its
/// own: the first writer to find no commit in progress commits everything queued so far,
/// including what others queued while it waited for the database.
///
/// Each write runs in its own savepoint, so one that fails on its own terms (a lease lost) is
/// undone alone; a failure of the transaction itself (disk full, read-only, I/O error, a lock
/// held past the busy timeout) fails every write in it. A write returns only once its transaction
/// committed: what it recorded is in the database, or it threw.
final class GroupCommit: @unchecked Sendable {
    private final class Write {
        let durable: Bool
        let body: (Database) throws -> Void
        var done = false
        var failure: (any Error)?

        init(durable: Bool, body: @escaping (Database) throws -> Void) {
            self.durable = durable
            self.body = body
        }
    }

    private let writer: DatabasePool
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queued: [Write] = []
    private var committing = false
    /// Touched only by the committing thread.
    private var synchronousFull = false

    init(writer: DatabasePool) {
        self.writer = writer
    }

    /// Runs `body` in a write transaction shared with whatever else is queued.
    ///
    /// - Parameter durable: the commit must survive a power failure (`synchronous = FULL`, an
    ///   `fsync` of the WAL); otherwise it survives a killed process and becomes durable with the
    ///   next durable commit or checkpoint.
    func write<T>(durable: Bool, _ body: @escaping (Database) throws -> T) throws -> T {
        var result: T?
        let write = Write(durable: durable) { db in result = try body(db) }
        condition.lock()
        queued.append(write)
        while !write.done {
            if committing {
                condition.wait()
                continue
            }
            committing = true
            let batch = queued
            queued.removeAll(keepingCapacity: true)
            condition.unlock()
            commit(batch)
            condition.lock()
            committing = false
            condition.broadcast()
        }
        condition.unlock()
        if let failure = write.failure { throw failure }
        guard let result else { throw OutboxError(code: .io, message: "a write produced no result") }
        return result
    }

    private func commit(_ batch: [Write]) {
        let durable = batch.contains { $0.durable }
        do {
            try writer.writeWithoutTransaction { db in
                if durable != synchronousFull {
                    try db.execute(sql: durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
                    synchronousFull = durable
                }
                try db.inTransaction(.immediate) {
                    if batch.count == 1 {
                        try batch[0].body(db)
                        return .commit
                    }
                    for write in batch {
                        do {
                            try db.inSavepoint {
                                try write.body(db)
                                return .commit
                            }
                        } catch let error as OutboxError where !error.isStorageFailure {
                            write.failure = error
                        }
                    }
                    return .commit
                }
            }
        } catch {
            for write in batch where write.failure == nil || batch.count == 1 { write.failure = error }
        }
        for write in batch { write.done = true }
    }
}
