import Foundation

/// Builds the wire form of one rendered email: RFC 5322 headers over a `multipart/alternative` body
/// (text/plain first, text/html last, as RFC 2046 orders them from plainest to richest).
///
/// Composing is deterministic: the same email, event id, recipient and date give the same bytes,
/// including the Message-ID and the boundary, so a message re-composed after a crash is the same
/// message. The output is 7-bit, CRLF-only, with no line over 998 octets; any control character in a
/// header value is refused with a ``MessageError`` rather than written.
public struct MessageComposer: Sendable {
    /// The `From` header and envelope sender.
    public let from: Mailbox
    public let replyTo: Mailbox?
    /// The right-hand side of every Message-ID, e.g. `mail.example.com`.
    public let messageIDDomain: String

    public init(from: Mailbox, replyTo: Mailbox? = nil, messageIDDomain: String) {
        self.from = from
        self.replyTo = replyTo
        self.messageIDDomain = messageIDDomain
    }

    /// Composes `email` for `to`.
    ///
    /// - Parameters:
    ///   - eventID: the idempotency key; with the template name and recipient it determines the Message-ID.
    ///   - date: the `Date` header, written in UTC.
    ///   - boundary: a fixed MIME boundary for tests; by default one is derived from the Message-ID.
    /// - Throws: ``MessageError`` for a control character in any header value, an invalid
    ///   Message-ID domain, locale or boundary.
    public func compose(
        _ email: RenderedEmail, eventID: String, to: Mailbox, date: Date, boundary: String? = nil
    ) throws(MessageError) -> ComposedMessage {
        // Mailboxes are checked when made; check again in case one was decoded or built elsewhere.
        let sender = try Mailbox(address: from.address, displayName: from.displayName, field: "From")
        let recipient = try Mailbox(address: to.address, displayName: to.displayName, field: "To")
        let reply = try replyTo.map { (mailbox) throws(MessageError) in
            try Mailbox(address: mailbox.address, displayName: mailbox.displayName, field: "Reply-To")
        }
        try HeaderText.requireNoControls(email.subject, field: "Subject")
        let messageID = try makeMessageID(eventID: eventID, templateName: email.templateName, recipient: recipient)
        let language = try contentLanguage(email.locale)

        let textPart = TextPart(subtype: "plain", text: email.text)
        let htmlPart = TextPart(subtype: "html", text: email.html)
        let delimiter = try makeBoundary(given: boundary, messageID: messageID, parts: [textPart, htmlPart])

        var fields: [HeaderField] = [
            HeaderField(name: "Date", tokens: MessageDate.format(date).split(separator: " ").map(String.init)),
            HeaderField(name: "From", tokens: sender.headerTokens(headerName: "From")),
        ]
        if let reply {
            fields.append(HeaderField(name: "Reply-To", tokens: reply.headerTokens(headerName: "Reply-To")))
        }
        fields += [
            HeaderField(name: "To", tokens: recipient.headerTokens(headerName: "To")),
            HeaderField(name: "Subject", tokens: HeaderEncoding.unstructured(email.subject, headerName: "Subject")),
            HeaderField(name: "Message-ID", tokens: [messageID]),
            HeaderField(name: "MIME-Version", tokens: ["1.0"]),
            HeaderField(name: "Content-Type", tokens: ["multipart/alternative;", "boundary=\"\(delimiter)\""]),
        ]
        if let language {
            fields.append(HeaderField(name: "Content-Language", tokens: [language]))
        }
        fields.append(HeaderField(name: "Auto-Submitted", tokens: ["auto-generated"]))

        var bytes: [UInt8] = []
        for field in fields { bytes += Array(field.rendered.utf8) }
        bytes += Array("\r\n".utf8)
        for part in [textPart, htmlPart] {
            bytes += Array("--\(delimiter)\r\n".utf8)
            bytes += part.bytes
            bytes += Array("\r\n".utf8)
        }
        bytes += Array("--\(delimiter)--\r\n".utf8)

        return ComposedMessage(
            envelope: Envelope(sender: sender.address, recipients: [recipient.address]),
            messageID: messageID,
            bytes: bytes
        )
    }
}
