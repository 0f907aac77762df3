import Foundation
import Mailroom
import NIOCore
import PostgresNIO

/// Maps postgres-nio's errors to ``OutboxError``.
///
/// Only the server's own message and SQLSTATE, or the kind of connection failure, are kept: the
/// statement's parameters (stored values) and the password are never part of an outbox error.
enum PostgresFailure {
    /// The start of `engineReason` for a failure that rolled the transaction back and is worth
    /// trying again.
    static let retryablePrefix = "retryable"

    static func outboxError(_ error: any Error, doing: String, location: PostgresLocation) -> OutboxError {
        if let error = error as? OutboxError { return error }
        let message = "cannot \(doing) the outbox \(location)"
        guard let error = error as? PSQLError else {
            if let decoding = error as? PostgresDecodingError {
                return OutboxError(code: .corrupt, message: message,
                                   engineReason: "column \(decoding.columnName) holds an unexpected \(decoding.postgresType)")
            }
            return OutboxError(code: .io, message: message, engineReason: String(describing: type(of: error)))
        }
        guard error.code == .server, let info = error.serverInfo else {
            return OutboxError(code: .io, message: message, engineReason: connectionReason(error))
        }
        let state = info[.sqlState] ?? "?"
        let text = (info[.message] ?? "server error") + " (SQLSTATE \(state))"
        let code: OutboxError.Code
        switch state {
        case "40P01", "40001":
            return OutboxError(code: .busy, message: message, engineReason: "\(retryablePrefix): \(text)")
        case "53100": code = .full
        case "25006": code = .readOnly
        case "55P03", "57014": code = .busy
        case "XX001", "XX002": code = .corrupt
        case "3F000", "42501", "28000", "28P01", "3D000": code = .unusable
        default: code = .io
        }
        return OutboxError(code: code, message: message, engineReason: text)
    }

    /// A failure to connect: refused, unreachable, TLS, or the server's refusal to log in.
    static func connectError(_ error: any Error, location: PostgresLocation) -> OutboxError {
        let message = "cannot connect to the outbox \(location)"
        if let error = error as? PSQLError, error.code == .server, let info = error.serverInfo {
            let state = info[.sqlState] ?? "?"
            let text = (info[.message] ?? "refused") + " (SQLSTATE \(state))"
            // A wrong password, an unknown role or database: the settings are wrong, not the store.
            let setUp = state.hasPrefix("28") || state == "3D000"
            return OutboxError(code: setUp ? .unusable : .io, message: message, engineReason: text)
        }
        if let error = error as? PSQLError, error.code == .authMechanismRequiresPassword {
            return OutboxError(code: .unusable, message: message,
                               engineReason: "the server asks for a password: set MAILROOM_OUTBOX_PASSWORD or PGPASSWORD")
        }
        if let error = error as? PSQLError { return OutboxError(code: .io, message: message, engineReason: connectionReason(error)) }
        return OutboxError(code: .io, message: message, engineReason: describe(error))
    }

    private static func connectionReason(_ error: PSQLError) -> String {
        if let underlying = error.underlying { return describe(underlying) }
        switch error.code {
        case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
        case .clientClosedConnection: return "the connection was closed"
        case .sslUnsupported: return "the server does not offer TLS"
        case .authMechanismRequiresPassword:
            return "the server asks for a password: set MAILROOM_OUTBOX_PASSWORD or PGPASSWORD"
        default: return "\(error.code)"
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? IOError { return "\(error.description)" }
        if let error = error as? NIOConnectionError {
            if let first = error.connectionErrors.first { return describe(first.error) }
            return "cannot resolve the host"
        }
        return "\(error)"
    }
}
