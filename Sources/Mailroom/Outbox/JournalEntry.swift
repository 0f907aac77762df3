import Foundation

/// One line of a message's `journal.ndjson`: what happened, and the state the message is in after it.
///
/// Every record carries `state`, so the message's state is simply the last record's. Records are
/// appended with one `write(2)` each and kept below `PIPE_BUF`, so a crash leaves at worst one torn
/// last line, which recovery truncates and journals as `repaired`.
public struct JournalEntry: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Equatable, Codable {
        /// The message was stored (first record).
        case stored
        /// An attempt is about to hand the message to a server; journaled before sending.
        case attemptStarted = "attempt-started"
        /// The result of the attempt started just before.
        case attempt
        /// A state change outside an attempt (e.g. held -> queued, or recovery -> uncertain).
        case state
        /// Recovery truncated a torn last line.
        case repaired
    }

    /// A server reply as journaled: `{"code": 250, "enhanced": "2.0.0", "text": "Ok"}`.
    public struct Reply: Sendable, Equatable, Codable {
        public var code: Int
        public var enhanced: String?
        public var text: String

        public init(_ reply: SMTPReply) {
            self.code = reply.code
            self.enhanced = reply.enhancedCode
            self.text = OutboxCoding.bounded(reply.text)
        }

        /// A reply as read back from a journal, unchanged.
        init(code: Int, enhanced: String?, text: String) {
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
    /// The process that wrote an `attempt-started` record, to tell a crash from a live attempt by eye.
    public var pid: Int32?

    public init(
        time: Date, kind: Kind, state: MessageState, attempt: Int? = nil, durationMs: Int? = nil,
        reply: Reply? = nil, classification: String? = nil, nextAttemptAt: Date? = nil, detail: String? = nil,
        pid: Int32? = nil
    ) {
        self.time = time
        self.kind = kind
        self.state = state
        self.attempt = attempt
        self.durationMs = durationMs
        self.reply = reply
        self.classification = classification.map { OutboxCoding.bounded($0, limit: 64) }
        self.nextAttemptAt = nextAttemptAt
        self.detail = detail.map { OutboxCoding.bounded($0) }
        self.pid = pid
    }

    enum CodingKeys: String, CodingKey {
        case time, kind, state, attempt, reply, classification, detail, pid
        case durationMs = "duration_ms"
        case nextAttemptAt = "next_attempt_at"
    }
}
