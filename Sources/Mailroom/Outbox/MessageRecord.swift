import Foundation

/// One stored message as listed by `mailroom outbox list`: its meta data and the state its journal
/// derives.
public struct MessageRecord: Sendable, Equatable {
    /// The directory name under `messages/`.
    public var key: String
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

    init(key: String, meta: MessageMeta, journal: [JournalEntry]) {
        self.key = key
        self.eventID = meta.eventID
        self.eventType = meta.eventType
        self.template = meta.template
        self.locale = meta.locale
        self.recipients = meta.envelope.recipients
        self.messageID = meta.messageID
        self.createdAt = meta.createdAt
        self.state = journal.last?.state ?? .queued
        self.attempts = journal.filter { $0.kind == .attemptStarted }.count
        self.lastAttemptAt = journal.last { $0.kind == .attemptStarted || $0.kind == .attempt }?.time
        self.nextAttemptAt = state == .deferred ? journal.last?.nextAttemptAt : nil
        self.lastReply = journal.last { $0.reply != nil }?.reply?.smtpReply
        self.lastDetail = journal.last { $0.detail != nil }?.detail
    }
}
