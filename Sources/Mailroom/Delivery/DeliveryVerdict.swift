/// What an attempt means for the message, decided once by ``DeliveryClassifier``.
public enum DeliveryVerdict: String, Sendable, Codable, Equatable {
    /// The server accepted the message (250 to the end of data).
    case sent
    /// Worth retrying later: 4xx replies, network failures and timeouts before the message was sent.
    case transient
    /// Never worth retrying: 5xx replies, or a message we could not put on the wire at all.
    case permanent
    /// The whole message went out but no final reply came back: it may have been delivered.
    case uncertain
    /// The run cannot succeed until an operator fixes the configuration (TLS trust, STARTTLS, credentials).
    case configuration
}
