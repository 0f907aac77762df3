import Foundation
import GRDB
import Mailroom
#if canImport(Glibc)
import Glibc
#endif

/// The embedded outbox: one SQLite database (`outbox.sqlite`, in WAL mode) in the outbox
/// directory, through GRDB.
///
/// Several processes on one host may use the same outbox at once: SQLite serialises their writes
/// (each waits up to `busyTimeout` for the lock) and leases name their owner by host, pid and
/// process start time, so a lease whose process is gone is settled at once instead of at its
/// expiry. LAYOUT.md states which setting makes which durability promise.
public final class SQLiteOutboxStore: OutboxStore, @unchecked Sendable {
    /// The database file's name inside the outbox directory; SQLite adds `-wal` and `-shm`.
    public static let databaseName = "outbox.sqlite"

    public let directory: String
    public var location: String { directory }
    let databasePath: String
    let pool: any DatabaseWriter
    let commits: GroupCommit
    let clock: @Sendable () -> Date
    /// How long a lease lasts when its owner's liveness cannot be checked (another host).
    let leaseDuration: TimeInterval

    /// Opens the outbox in `directory`, creating it (0700) and its database (0600) when `create`,
    /// and applies the missing migrations. An outbox in the directory layout of earlier versions
    /// is imported on first open (see ``DirectoryOutboxImport``).
    ///
    /// Refuses a directory that is a symlink, not a directory, or writable by group or others: an
    /// outbox holds personal data and decides what gets sent.
    public init(directory: String, create: Bool = true, busyTimeout: TimeInterval = 10,
                leaseDuration: TimeInterval = 900, clock: @escaping @Sendable () -> Date = { Date() })
        throws(OutboxError)
    {
        let directory = try OutboxDirectory.prepare(directory, create: create)
        let path = directory + "/" + Self.databaseName
        // SQLite would follow a symlink in place of any of its files.
        try OutboxDirectory.refuseSymlinks(path)
        let exists = access(path, F_OK) == 0
        guard exists || create else {
            throw OutboxError(code: .notFound, message: "no outbox database in \(directory) (nothing was stored there yet)",
                              path: path)
        }
        if !exists { try OutboxDirectory.createPrivateFile(path) }
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.label = "mailroom-outbox"
        configuration.maximumReaderCount = 4
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let readOnly = !create && Self.isOnReadOnlyFileSystem(directory)
        do {
            if readOnly {
                pool = try Self.openReadOnly(path, configuration: configuration)
            } else {
                pool = try DatabasePool(path: path, configuration: configuration)
            }
        } catch {
            throw Self.failure(error, doing: "open", path: path)
        }
        self.directory = directory
        self.databasePath = path
        self.commits = GroupCommit(writer: pool, databasePath: path)
        self.clock = clock
        self.leaseDuration = leaseDuration
        guard !readOnly else {
            try checkSchema()
            return
        }
        try migrate()
        try OutboxDirectory.restrictDatabaseFiles(path)
        if DirectoryOutboxImport.hasLegacyLayout(in: directory) {
            try DirectoryOutboxImport(store: self).run()
        }
    }

    /// Whether the directory is on a file system mounted read-only (a snapshot, an archive, a
    /// disk remounted after errors), where SQLite cannot create the WAL's files to read through.
    private static func isOnReadOnlyFileSystem(_ directory: String) -> Bool {
        var info = statvfs()
        return statvfs(directory, &info) == 0 && info.f_flag & UInt(ST_RDONLY) != 0
    }

    /// Opens the database for reading where nothing can be written. A database closed cleanly has
    /// no WAL left and is read as immutable (no locks, no shared memory); one with a WAL left by
    /// a process that stopped is read through it when its shared-memory file is there too.
    private static func openReadOnly(_ path: String, configuration base: Configuration) throws -> any DatabaseWriter {
        var configuration = base
        configuration.readonly = true
        guard access(path + "-wal", F_OK) != 0 else {
            return try DatabaseQueue(path: path, configuration: configuration)
        }
        // SQLite URI filenames: only these three characters need escaping in a path.
        let escaped = path.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "?", with: "%3F")
            .replacingOccurrences(of: "#", with: "%23")
        return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: configuration)
    }

    /// On a read-only file system nothing can be migrated: the schema must be the current one.
    private func checkSchema() throws(OutboxError) {
        let applied: Set<String>
        do {
            applied = try pool.read { db in try SQLiteSchema.migrator.appliedIdentifiers(db) }
        } catch {
            throw Self.failure(error, doing: "read", path: databasePath)
        }
        guard applied == SQLiteSchema.knownMigrations else {
            throw OutboxError(
                code: .readOnly,
                message: "the outbox \(directory) is on a read-only file system and its schema is not this version's "
                    + "(\(applied.sorted().joined(separator: ", "))); open it with the Mailroom that wrote it, or where it can be migrated",
                path: databasePath)
        }
    }

    private func migrate() throws(OutboxError) {
        do {
            let applied = try pool.read { db in try SQLiteSchema.migrator.appliedIdentifiers(db) }
            if let unknown = applied.subtracting(SQLiteSchema.knownMigrations).sorted().first {
                throw OutboxError(
                    code: .unusable,
                    message: "the outbox \(directory) was written by a newer Mailroom (schema \(unknown)); use that version")
            }
            try SQLiteSchema.migrator.migrate(pool)
        } catch let error as OutboxError {
            throw error
        } catch {
            throw Self.failure(error, doing: "migrate", path: databasePath)
        }
    }

    func now() -> Date { clock() }

    /// Runs a write in the next group commit, mapping database failures to ``OutboxError``.
    func write<T>(_ doing: String, durable: Bool = false, _ body: @escaping (Database) throws -> T)
        throws(OutboxError) -> T
    {
        do {
            return try commits.write(durable: durable, body)
        } catch {
            throw Self.failure(error, doing: doing, path: databasePath)
        }
    }

    /// Runs a read on a snapshot, mapping database failures to ``OutboxError``.
    func read<T>(_ doing: String, _ body: (Database) throws -> T) throws(OutboxError) -> T {
        do {
            return try pool.read(body)
        } catch {
            throw Self.failure(error, doing: doing, path: databasePath)
        }
    }

    /// Makes every commit so far durable: a checkpoint syncs the WAL before copying it back.
    public func sync() throws(OutboxError) {
        do {
            try pool.writeWithoutTransaction { db in
                _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            }
        } catch {
            throw Self.failure(error, doing: "sync", path: databasePath)
        }
    }

    /// Maps a GRDB or SQLite error to an ``OutboxError``; the SQL's arguments are never included.
    static func failure(_ error: any Error, doing: String, path: String) -> OutboxError {
        if let error = error as? OutboxError { return error }
        guard let error = error as? DatabaseError else {
            return OutboxError(code: .io, message: "cannot \(doing) the outbox \(path)", path: path,
                               engineReason: "\(error)")
        }
        let code: OutboxError.Code
        switch error.resultCode {
        case .SQLITE_FULL: code = .full
        case .SQLITE_READONLY: code = .readOnly
        case .SQLITE_BUSY, .SQLITE_LOCKED: code = .busy
        case .SQLITE_CORRUPT, .SQLITE_NOTADB: code = .corrupt
        default: code = .io
        }
        let reason = error.message ?? "SQLite error \(error.extendedResultCode.rawValue)"
        return OutboxError(code: code, message: "cannot \(doing) the outbox \(path)", path: path, engineReason: reason)
    }
}
