/// The SMTP envelope (MAIL FROM / RCPT TO), separate from the message headers.
///
/// Addresses are bare ASCII addr-specs without angle brackets. ``MessageComposer`` only builds
/// envelopes from validated addresses, and the transport checks them again before the wire.
public struct Envelope: Sendable, Equatable, Codable {
    public var sender: String
    public var recipients: [String]

    public init(sender: String, recipients: [String]) {
        self.sender = sender
        self.recipients = recipients
    }
}
