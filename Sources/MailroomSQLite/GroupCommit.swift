import Foundation
import GRDB
import Mailroom
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Runs the writes of several threads in one transaction (group commit), without a thread of its
/// own: the first writer to find no commit in progress commits everything queued so far,
/// including what others queued while it waited for the database.
///
/// A write that fails on its own terms (an ``OutboxError`` that is not a storage failure, such as
/// a lease lost) must throw before it changes anything: every store write checks its lease in
/// the statement that would change the row, so it does; the others in the batch commit. A
/// failure of the transaction itself (disk full, read-only, I/O error, a lock held past the busy
/// timeout) fails every write in it. A write returns only once its transaction committed: what it
/// recorded is in the database, or it threw.
///
/// Commits run with `synchronous = NORMAL`: in the WAL, in the page cache, safe from a killed
/// process. A durable write also waits for an `fsync` of the WAL, made after the commit and
/// outside the write lock by the durable writer itself (one sync covers every commit before it),
/// so that other writes (an attempt's start, a result) need not wait for the disk, not even when
/// theirs was the thread that committed the durable write. The frames it syncs stay where they
/// are until a checkpoint has copied and synced them into the database file, so syncing after
/// the commit makes the commit durable.
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

    private let writer: any DatabaseWriter
    private let walPath: String
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var queued: [Write] = []
    private var committing = false
    /// Durable writes committed and not yet synced; `syncing` while one of them syncs.
    private var unsynced: [Write] = []
    private var syncing = false
    private let wal = Mutex<Int32>(-1)

    init(writer: any DatabaseWriter, databasePath: String) {
        self.writer = writer
        self.walPath = databasePath + "-wal"
    }

    deinit {
        wal.withLock { if $0 >= 0 { close($0) } }
    }

    /// Runs `body` in a write transaction shared with whatever else is queued.
    ///
    /// - Parameter durable: the commit must survive a power failure, not only a killed process.
    func write<T>(durable: Bool, _ body: @escaping (Database) throws -> T) throws -> T {
        var result: T?
        let write = Write(durable: durable) { db in result = try body(db) }
        condition.lock()
        queued.append(write)
        while !write.done {
            if write.durable && !syncing && unsynced.contains(where: { $0 === write }) {
                syncing = true
                let covered = unsynced
                unsynced.removeAll(keepingCapacity: true)
                condition.unlock()
                let failure = syncLog()
                condition.lock()
                syncing = false
                for write in covered {
                    if write.failure == nil { write.failure = failure }
                    write.done = true
                }
                condition.broadcast()
            } else if !committing && !queued.isEmpty {
                committing = true
                let batch = queued
                queued.removeAll(keepingCapacity: true)
                condition.unlock()
                let committed = commit(batch)
                condition.lock()
                committing = false
                for write in batch {
                    if committed && write.durable { unsynced.append(write) } else { write.done = true }
                }
                condition.broadcast()
            } else {
                condition.wait()
            }
        }
        condition.unlock()
        if let failure = write.failure { throw failure }
        guard let result else { throw OutboxError(code: .io, message: "a write produced no result") }
        return result
    }

    /// Runs the batch in one transaction; false when the transaction failed.
    ///
    /// BEGIN and COMMIT are prepared once: GRDB's `inTransaction` compiles both for every
    /// transaction, which cost as much as the one-row update of an attempt's start.
    private func commit(_ batch: [Write]) -> Bool {
        do {
            try writer.writeWithoutTransaction { db in
                try db.cachedStatement(sql: "BEGIN IMMEDIATE TRANSACTION").execute()
                do {
                    if batch.count == 1 {
                        try batch[0].body(db)
                    } else {
                        for write in batch {
                            do {
                                try write.body(db)
                            } catch let error as OutboxError where !error.isStorageFailure {
                                write.failure = error
                            }
                        }
                    }
                    try db.cachedStatement(sql: "COMMIT TRANSACTION").execute()
                } catch {
                    // A failed statement or COMMIT may leave the transaction open (SQLite rolls
                    // some errors back by itself); GRDB's rollback accepts either.
                    try? db.rollback()
                    throw error
                }
            }
            return true
        } catch {
            for write in batch where write.failure == nil || batch.count == 1 { write.failure = error }
            return false
        }
    }

    /// `fsync` of the WAL file, opened once (SQLite keeps it, the same file, while a connection is open).
    private func syncLog() -> OutboxError? {
        wal.withLock { fd -> OutboxError? in
            if fd < 0 { fd = open(walPath, O_RDONLY | O_CLOEXEC | O_NOFOLLOW) }
            guard fd >= 0 else { return .system("open", walPath) }
            return fsync(fd) == 0 ? nil : .system("fsync", walPath)
        }
    }
}
