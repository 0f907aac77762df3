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
    /// The keys every message is signed with (DKIM), one signature each; empty: not signed.
    public var dkim: [DKIMKeySettings] = []
    public var serve = Serve()
    /// `retention.*`: when `mailroom outbox prune` redacts and deletes.
    public var retention = RetentionPolicy()

    public init() {}

    /// Where one DKIM key is and what it signs for; the key itself is read when a command starts.
    public struct DKIMKeySettings: Sendable, Equatable {
        /// The signing domain, `d=`.
        public var domain: String
        /// The selector, `s=`: the key's DNS record is `selector._domainkey.domain`.
        public var selector: String
        /// A PEM private key, readable by its owner only.
        public var privateKeyFile: String

        public init(domain: String, selector: String, privateKeyFile: String) {
            self.domain = domain
            self.selector = selector
            self.privateKeyFile = privateKeyFile
        }
    }

    public struct SMTP: Sendable {
        /// Nil: no transport, messages are kept `held`.
        public var url: String?
        public var username: String?
        public var password: Secret?
        public var connections = 4
        /// A PEM file of trusted CAs, for a private relay.
        public var caFile: String?
        public var connectTimeout = Self.defaultConnectTimeout
        /// The longest wait for any one reply.
        public var replyTimeout = Self.defaultReplyTimeout
        /// The longest a whole transaction (one message) may take, final reply included.
        public var transactionTimeout: Duration = .seconds(600)
        /// Reused connections older than this are not reused (below the relay's idle timeout).
        public var maxConnectionAge = Self.defaultMaxConnectionAge
        /// The name we greet the relay with (EHLO); defaults to the Message-ID domain.
        public var heloName: String?
        /// `smtp.rate_limit`: attempts per period for this process, all connections together.
        public var rateLimit: RateLimit?
        /// `smtp.outage_pause`: how long the circuit breaker waits before probing a relay that
        /// stopped responding.
        public var outagePause: Duration = .seconds(60)

        public init() {}

        // The transport's defaults too (`SMTPSettings`), so that they are stated once.
        public static let defaultConnectTimeout: Duration = .seconds(10)
        public static let defaultReplyTimeout: Duration = .seconds(60)
        public static let defaultMaxConnectionAge: Duration = .seconds(60)
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

extension MailroomSettings {
    /// `mailroom serve`'s own settings (the `serve.` keys).
    public struct Serve: Sendable {
        /// `HOST:PORT` to listen on.
        public var listen = "127.0.0.1:8025"
        /// The bearer token intake and metrics require (`MAILROOM_SERVE_TOKEN`); required when
        /// listening on an address that is not loopback.
        public var token: Secret?
        /// How long a stop waits for the transactions in flight.
        public var shutdownGrace: Duration = .seconds(30)
        /// Bounds of one `POST /v1/events` request (413 beyond).
        public var maxRequestBytes = 4 << 20
        public var maxRequestEvents = 1000
        /// How often the outbox is checked for messages stored by other processes.
        public var idleCheck: Duration = .seconds(2)

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
