/// A message ready for the wire: the exact bytes (CRLF, 7-bit) and the envelope to send them with.
public struct ComposedMessage: Sendable, Equatable {
    public var envelope: Envelope
    /// The `Message-ID` header's value including angle brackets, e.g. `<...@mail.example.com>`.
    public var messageID: String
    /// The full RFC 5322 message. Every line ends in CRLF and is at most 998 octets.
    public var bytes: [UInt8]

    public init(envelope: Envelope, messageID: String, bytes: [UInt8]) {
        self.envelope = envelope
        self.messageID = messageID
        self.bytes = bytes
    }
}
