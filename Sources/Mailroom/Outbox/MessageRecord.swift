import Foundation

/// One stored message as listed by `mailroom outbox list`: what it is and where it stands.
public struct MessageRecord: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var template: String
    public var locale: String?
    public var recipients: [String]
    public var messageID: String
    public var state: MessageState
    public var createdAt: Date
    /// How many attempts were started.
    public var attempts: Int
    public var lastAttemptAt: Date?
    /// Set while the message is `deferred`.
    public var nextAttemptAt: Date?
    public var lastReply: SMTPReply?
    /// The detail of the last record that had one (a transport error, a transition reason).
    public var lastDetail: String?
    /// Size of the stored message in bytes.
    public var size: Int
    /// The lease owner while one holds it (`host/pid/start`).
    public var leasedBy: String?
    /// Set once the retention policy removed its personal data (``recipients`` is then empty).
    public var redaction: Redaction?

    public init(eventID: String, eventType: String, template: String, locale: String?, recipients: [String],
                messageID: String, state: MessageState, createdAt: Date, attempts: Int, lastAttemptAt: Date?,
                nextAttemptAt: Date?, lastReply: SMTPReply?, lastDetail: String?, size: Int, leasedBy: String?,
                redaction: Redaction? = nil) {
        self.eventID = eventID
        self.eventType = eventType
        self.template = template
        self.locale = locale
        self.recipients = recipients
        self.messageID = messageID
        self.state = state
        self.createdAt = createdAt
        self.attempts = attempts
        self.lastAttemptAt = lastAttemptAt
        self.nextAttemptAt = nextAttemptAt
        self.lastReply = lastReply
        self.lastDetail = lastDetail
        self.size = size
        self.leasedBy = leasedBy
        self.redaction = redaction
    }
}
