import Foundation
import Logging
import Mailroom
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A few connections to one PostgreSQL server, used from ordinary (blocking) threads.
///
/// The outbox protocol is synchronous, and its callers are the pipeline's and the dispatcher's
/// own threads, or a command's main task. So the store never enters Swift concurrency: every
/// query goes through postgres-nio's `EventLoopFuture` API on a dedicated event loop group that
/// runs nothing but this store's I/O, and the calling thread blocks in `wait()` until its future
/// completes. A caller is never one of that group's threads (nothing of the store's callers runs
/// there), so a wait can never block the loop that would complete it, and a blocked cooperative
/// thread cannot starve the loop either: there is no task to schedule.
///
/// Each call takes a connection for itself (at most `limit` open; a caller beyond waits for one),
/// so a transaction never interleaves with another caller's statements.
final class PostgresConnections: @unchecked Sendable {
    /// Two threads: one would do; a second keeps a slow TLS handshake from delaying the others.
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    let location: PostgresLocation
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let limit: Int
    // Guarded by `condition`.
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var nextID = 0

    init(location: PostgresLocation, password: String?, limit: Int, logger: Logger) throws(OutboxError) {
        self.location = location
        self.limit = max(1, limit)
        // postgres-nio logs protocol events at debug and trace; they name no password, but the
        // outbox's own messages say what matters, so only its errors come through.
        var quiet = logger
        quiet.logLevel = max(logger.logLevel, .error)
        self.logger = quiet
        var tls = PostgresConnection.Configuration.TLS.disable
        if location.tls == .verifyFull {
            var settings = TLSConfiguration.makeClientConfiguration()
            settings.certificateVerification = .fullVerification
            if let file = location.rootCertificate {
                settings.trustRoots = .file(file)
            }
            do {
                tls = .require(try NIOSSLContext(configuration: settings))
            } catch {
                throw OutboxError(code: .unusable, message: "cannot set up TLS for the outbox \(location)",
                                  engineReason: "\(error)")
            }
        }
        var configuration: PostgresConnection.Configuration
        if let socket = location.socketPath {
            configuration = .init(unixSocketPath: socket, username: location.user, password: password,
                                  database: location.database)
        } else {
            configuration = .init(host: location.host, port: location.port, username: location.user, password: password,
                                  database: location.database, tls: tls)
        }
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = [
            ("application_name", "mailroom"),
            ("search_path", "\(location.schema), pg_catalog"),
            // A statement stuck behind a lock fails the write, as SQLite's busy timeout does.
            ("lock_timeout", "10s"),
            ("idle_in_transaction_session_timeout", "60s"),
        ]
        self.configuration = configuration
    }

    /// Closes the idle connections, waiting for each (the last release of a store is on one of
    /// its callers' threads, never on the event loop).
    deinit {
        for connection in idle { Self.close(connection) }
    }

    private static func close(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        _ = try? connection.close().wait()
    }

    /// Runs `body` with a connection of its own; a connection that failed is closed, not reused.
    func withSession<T>(_ doing: String, _ body: (PostgresSession) throws -> T) throws(OutboxError) -> T {
        let connection = try checkOut(doing)
        let session = PostgresSession(connection: connection, logger: logger)
        do {
            let result = try body(session)
            checkIn(connection, broken: session.broken)
            return result
        } catch {
            checkIn(connection, broken: session.broken || connection.isClosed)
            throw PostgresFailure.outboxError(error, doing: doing, location: location)
        }
    }

    /// Runs `body` in one transaction; a deadlock or serialization failure (which rolled it back
    /// entirely) is retried a few times before it fails.
    func transaction<T>(_ doing: String, _ body: (PostgresSession) throws -> T) throws(OutboxError) -> T {
        var tries = 0
        while true {
            tries += 1
            do {
                return try withSession(doing) { session in
                    try session.execute("BEGIN")
                    do {
                        let result = try body(session)
                        try session.execute("COMMIT")
                        return result
                    } catch {
                        if !session.broken { _ = try? session.execute("ROLLBACK") }
                        throw error
                    }
                }
            } catch let error where error.engineReason?.hasPrefix(PostgresFailure.retryablePrefix) == true && tries < 8 {
                usleep(UInt32.random(in: 1_000...20_000) * UInt32(tries))
            }
        }
    }

    private func checkOut(_ doing: String) throws(OutboxError) -> PostgresConnection {
        condition.lock()
        while idle.isEmpty && open >= limit { condition.wait() }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        nextID += 1
        let id = nextID
        condition.unlock()
        do {
            return try PostgresConnection.connect(on: Self.group.next(), configuration: configuration, id: id,
                                                  logger: logger).wait()
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw PostgresFailure.connectError(error, location: location)
        }
    }

    private func checkIn(_ connection: PostgresConnection, broken: Bool) {
        condition.lock()
        if broken { open -= 1 } else { idle.append(connection) }
        condition.signal()
        condition.unlock()
        if broken { Self.close(connection) }
    }
}

/// One connection, lent to one caller for one call.
final class PostgresSession {
    let connection: PostgresConnection
    let logger: Logger
    /// Set when the connection failed rather than the statement: it must not be used again.
    private(set) var broken = false

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Runs `query` and returns its rows.
    @discardableResult
    func query(_ query: PostgresQuery) throws -> [PostgresRandomAccessRow] {
        do {
            let result = try connection.query(query, logger: logger).wait()
            return result.rows.map { $0.makeRandomAccess() }
        } catch {
            if let error = error as? PSQLError, error.code != .server { broken = true }
            if !(error is PSQLError) { broken = true }
            throw error
        }
    }

    /// Runs `query` and returns the number of rows it changed or returned.
    @discardableResult
    func execute(_ query: PostgresQuery) throws -> Int {
        do {
            let result = try connection.query(query, logger: logger).wait()
            return result.metadata.rows ?? result.rows.count
        } catch {
            if let error = error as? PSQLError, error.code != .server { broken = true }
            if !(error is PSQLError) { broken = true }
            throw error
        }
    }
}

extension PostgresRandomAccessRow {
    /// The value of column `name`, decoded.
    func value<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }

    /// The bytes of a `bytea` column.
    func bytes(_ name: String) throws -> [UInt8] {
        let buffer = try self[name].decode(ByteBuffer.self)
        return Array(buffer.readableBytesView)
    }
}
