import Foundation

/// One entry of a message's journal: what happened, and the state the message is in after it.
///
/// Every entry carries `state`, so the journal reads as the message's history on its own. It is
/// Decodable with the keys of the directory outbox's `journal.ndjson`, which an outbox of that
/// layout is imported from.
public struct JournalEntry: Sendable, Equatable, Decodable {
    public enum Kind: String, Sendable, Equatable, Decodable {
        /// The message was stored (first record).
        case stored
        /// An attempt is about to hand the message to a server; journaled before sending.
        case attemptStarted = "attempt-started"
        /// The result of the attempt started just before.
        case attempt
        /// A state change outside an attempt (e.g. held -> queued, or recovery -> uncertain).
        case state
        /// The directory outbox's recovery truncated a torn last line (imported journals only).
        case repaired
        /// The entry that brought a message over from a directory outbox.
        case imported
        /// The retention policy removed the message's personal data.
        case redacted
    }

    /// A server reply as journaled: `{"code": 250, "enhanced": "2.0.0", "text": "Ok"}`.
    public struct Reply: Sendable, Equatable, Decodable {
        public var code: Int
        public var enhanced: String?
        public var text: String

        public init(_ reply: SMTPReply) {
            self.code = reply.code
            self.enhanced = reply.enhancedCode
            self.text = OutboxText.bounded(reply.text)
        }

        /// A reply as read back from a journal, unchanged.
        public init(code: Int, enhanced: String?, text: String) {
            self.code = code
            self.enhanced = enhanced
            self.text = text
        }

        public var smtpReply: SMTPReply { SMTPReply(code: code, enhancedCode: enhanced, text: text) }
    }

    public var time: Date
    public var kind: Kind
    /// The message's state after this record.
    public var state: MessageState
    /// The attempt number (1-based) for `attempt-started` and `attempt` records.
    public var attempt: Int?
    public var durationMs: Int?
    public var reply: Reply?
    /// The delivery policy's verdict, e.g. `transient` or `permanent`.
    public var classification: String?
    public var nextAttemptAt: Date?
    /// Human-readable reason or transport detail.
    public var detail: String?
    /// The lease owner (`host/pid/start`) or process id that wrote an `attempt-started` entry, to
    /// tell a crash from a live attempt by eye.
    public var owner: String?

    public init(
        time: Date, kind: Kind, state: MessageState, attempt: Int? = nil, durationMs: Int? = nil,
        reply: Reply? = nil, classification: String? = nil, nextAttemptAt: Date? = nil, detail: String? = nil,
        owner: String? = nil
    ) {
        self.time = time
        self.kind = kind
        self.state = state
        self.attempt = attempt
        self.durationMs = durationMs
        self.reply = reply
        self.classification = classification.map { OutboxText.bounded($0, limit: 64) }
        self.nextAttemptAt = nextAttemptAt
        self.detail = detail.map { OutboxText.bounded($0) }
        self.owner = owner
    }

    enum CodingKeys: String, CodingKey {
        case time, kind, state, attempt, reply, classification, detail, pid
        case durationMs = "duration_ms"
        case nextAttemptAt = "next_attempt_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            time: try container.decode(Date.self, forKey: .time), kind: try container.decode(Kind.self, forKey: .kind),
            state: try container.decode(MessageState.self, forKey: .state),
            attempt: try container.decodeIfPresent(Int.self, forKey: .attempt),
            durationMs: try container.decodeIfPresent(Int.self, forKey: .durationMs),
            reply: try container.decodeIfPresent(Reply.self, forKey: .reply),
            classification: try container.decodeIfPresent(String.self, forKey: .classification),
            nextAttemptAt: try container.decodeIfPresent(Date.self, forKey: .nextAttemptAt),
            detail: try container.decodeIfPresent(String.self, forKey: .detail),
            owner: try container.decodeIfPresent(Int32.self, forKey: .pid).map { "pid \($0)" })
    }
}
