import Foundation

/// The contents of a message's `meta.json`: what the message is, written once when it is stored.
public struct MessageMeta: Sendable, Equatable, Codable {
    public var eventID: String
    public var eventType: String
    public var template: String
    public var locale: String?
    public var envelope: Envelope
    /// The `Message-ID` header value, angle brackets included.
    public var messageID: String
    public var createdAt: Date
    /// Size of `message.eml` in bytes.
    public var size: Int

    public init(
        eventID: String, eventType: String, template: String, locale: String?, envelope: Envelope,
        messageID: String, createdAt: Date, size: Int
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.template = template
        self.locale = locale
        self.envelope = envelope
        self.messageID = messageID
        self.createdAt = createdAt
        self.size = size
    }

    enum CodingKeys: String, CodingKey {
        case eventID = "event_id"
        case eventType = "event_type"
        case template, locale, envelope, size
        case messageID = "message_id"
        case createdAt = "created_at"
    }
}
