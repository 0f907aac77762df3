import Foundation
import Mailroom

/// Where a PostgreSQL outbox lives: `postgresql://user@host:port/db`, parsed once.
///
/// Query parameters, as libpq names them where it has a name: `schema` (default `mailroom`),
/// `sslmode` (`disable`, `require`, `verify-full`), `sslrootcert` (a PEM file of trusted CAs) and
/// `host` (a directory holding the server's Unix socket). The password never comes from here
/// into a message: ``description`` leaves it out, and a password in the URL itself is refused so
/// that it cannot end up in shell history, `ps` or a configuration file committed by mistake.
public struct PostgresLocation: Sendable, Equatable, CustomStringConvertible {
    public enum TLSMode: String, Sendable, Equatable {
        /// No TLS: only to loopback addresses or a Unix socket.
        case disable
        /// TLS with the server's certificate checked against the trusted CAs and its name
        /// (libpq's `verify-full`).
        case verifyFull = "verify-full"
    }

    public var user: String
    public var host: String
    public var port: Int
    public var database: String
    public var schema: String
    public var tls: TLSMode
    /// A PEM file of CAs to trust instead of the system's.
    public var rootCertificate: String?
    /// The server's Unix socket (`<dir>/.s.PGSQL.<port>`), when `host=/dir` is given.
    public var socketPath: String?

    /// Whether `text` names a PostgreSQL outbox rather than a directory.
    public static func isPostgresURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    public init(url text: String) throws(OutboxError) {
        func refuse(_ why: String) -> OutboxError {
            OutboxError(code: .unusable, message: "the outbox URL \(Self.redacted(text)) \(why)")
        }
        guard Self.isPostgresURL(text), let components = URLComponents(string: text) else {
            throw refuse("is not a postgresql://user@host:port/database URL")
        }
        guard components.password == nil else {
            throw refuse("holds a password: give it in MAILROOM_OUTBOX_PASSWORD or PGPASSWORD instead")
        }
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        let known: Set<String> = ["schema", "sslmode", "sslrootcert", "host"]
        if let unknown = query.keys.sorted().first(where: { !known.contains($0) }) {
            throw refuse("has the parameter '\(unknown)', which Mailroom does not know (known: schema, sslmode, sslrootcert, host)")
        }
        user = components.user.flatMap { $0.removingPercentEncoding } ?? ProcessInfo.processInfo.environment["USER"] ?? "postgres"
        host = components.host.flatMap { $0.removingPercentEncoding } ?? ""
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        port = components.port ?? 5432
        database = String(components.path.drop { $0 == "/" }).removingPercentEncoding ?? ""
        if database.isEmpty { database = user }
        schema = query["schema"].flatMap { $0.isEmpty ? nil : $0 } ?? "mailroom"
        guard Self.isPlainIdentifier(schema) else {
            throw refuse("names the schema '\(schema)': use lower-case letters, digits and _, starting with a letter or _")
        }
        rootCertificate = query["sslrootcert"].flatMap { $0.isEmpty ? nil : $0 }
        if let directory = query["host"], !directory.isEmpty {
            guard directory.hasPrefix("/") else { throw refuse("has host=\(directory): only a socket directory (/...) may be given there") }
            socketPath = directory + "/.s.PGSQL.\(port)"
            if host.isEmpty { host = "localhost" }
        }
        guard !host.isEmpty else { throw refuse("names no host") }
        let local = socketPath != nil || Self.isLoopback(host)
        switch query["sslmode"] {
        case nil, "":
            tls = local ? .disable : .verifyFull
        case "disable":
            guard local else {
                throw refuse("asks for sslmode=disable to \(host), which is not a loopback address: the outbox holds personal data")
            }
            tls = .disable
        case "verify-full":
            tls = .verifyFull
        case let mode?:
            throw refuse("asks for sslmode=\(mode): Mailroom verifies the server fully (verify-full) or, on loopback only, uses no TLS (disable)")
        }
    }

    /// The URL without any password, for messages and `outbox status`.
    public var description: String {
        var text = "postgresql://\(user)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)"
        var parameters: [String] = []
        if schema != "mailroom" { parameters.append("schema=\(schema)") }
        if let socketPath { parameters.append("host=\((socketPath as NSString).deletingLastPathComponent)") }
        if !parameters.isEmpty { text += "?" + parameters.joined(separator: "&") }
        return text
    }

    static func isLoopback(_ host: String) -> Bool {
        if host == "localhost" || host == "::1" { return true }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.utf8.count <= 63,
              first == "_" || ("a"..."z").contains(first) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }
    }

    /// `text` with anything between `://` and `@` after a `:` replaced, for a refusal's message.
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://"), let at = text[scheme.upperBound...].firstIndex(of: "@") else { return text }
        let credentials = text[scheme.upperBound..<at]
        guard let colon = credentials.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }
}
