/// Everything a run is configured with, after file, environment and flags were merged.
///
/// Plain values: the CLI fills them from swift-configuration, tests build them directly.
/// The SMTP password is a ``Secret`` so that no description of the settings can print it.
public struct MailroomSettings: Sendable {
    public var smtp = SMTP()
    public var sender = Sender()
    public var outboxPath = "outbox"
    /// `postgresql://user@host:port/db`: the outbox in PostgreSQL (overrides ``outboxPath``).
    public var outboxURL: String?
    public var templatesPath = "Templates"
    public var retry = RetryPolicy.default

    public init() {}

    public struct SMTP: Sendable {
        /// Nil: no transport, messages are kept `held`.
        public var url: String?
        public var username: String?
        public var password: Secret?
        public var connections = 4
        /// A PEM file of trusted CAs, for a private relay.
        public var caFile: String?
        public var connectTimeout: Duration = .seconds(10)
        /// The longest wait for any one reply.
        public var replyTimeout: Duration = .seconds(60)
        /// The longest a whole transaction (one message) may take, final reply included.
        public var transactionTimeout: Duration = .seconds(600)
        /// Reused connections older than this are not reused (below the relay's idle timeout).
        public var maxConnectionAge: Duration = .seconds(60)
        /// The name we greet the relay with (EHLO); defaults to the Message-ID domain.
        public var heloName: String?

        public init() {}
    }

    public struct Sender: Sendable {
        /// The `From` header and envelope sender, e.g. `Example Accounts <accounts@example.com>`.
        public var from = "Example Accounts <accounts@example.com>"
        public var replyTo: String?
        /// The right-hand side of generated Message-IDs; defaults to the From address's domain.
        public var messageIDDomain: String?
        /// The company name the templates sign with.
        public var organization = "Example"

        public init() {}
    }
}

/// A value that must never be printed, logged or journaled.
public struct Secret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
