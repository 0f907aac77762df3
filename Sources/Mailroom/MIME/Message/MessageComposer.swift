import Foundation

/// Builds the wire form of one rendered email: RFC 5322 headers over a `multipart/alternative` body
/// (text/plain first, text/html last, as RFC 2046 orders them from plainest to richest).
///
/// Composing is deterministic: the same email, event id, recipient and date give the same bytes,
/// including the Message-ID and the boundary, so a message re-composed after a crash is the same
/// message. The output is 7-bit, CRLF-only, with no line over 998 octets; any control character in a
/// header value is refused with a ``MessageError`` rather than written.
///
/// Everything is written into one ``WireWriter`` from the UTF-8 of the inputs, so composing makes
/// no `String` or array per token, field or line. What does not depend on the
/// message, the `From` and `Reply-To` fields and the Message-ID domain's check, is done once here.
public struct MessageComposer: Sendable {
    /// The `From` header and envelope sender.
    public let from: Mailbox
    public let replyTo: Mailbox?
    /// The right-hand side of every Message-ID, e.g. `mail.example.com`.
    public let messageIDDomain: String

    /// `From: ...\r\n`, folded, written once.
    private let fromField: [UInt8]
    /// `Reply-To: ...\r\n`, when there is a reply-to mailbox.
    private let replyToField: [UInt8]?
    /// Why `messageIDDomain` cannot be a Message-ID domain; thrown by every compose, so a bad
    /// configuration fails each message alike.
    let domainError: MessageError?

    public init(from: Mailbox, replyTo: Mailbox? = nil, messageIDDomain: String) {
        self.from = from
        self.replyTo = replyTo
        self.messageIDDomain = messageIDDomain
        fromField = Self.mailboxField("From", from)
        replyToField = replyTo.map { Self.mailboxField("Reply-To", $0) }
        domainError = Self.domainError(messageIDDomain)
    }

    /// Composes `email` for `to`.
    ///
    /// `from`, `replyTo` and `to` are not checked again: every `Mailbox` initialiser validates its
    /// address and display name, so no unchecked `Mailbox` value can exist.
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
        try HeaderValueCheck.requireNoControls(email.subject, field: "Subject")
        let messageID = try makeMessageID(eventID: eventID, templateName: email.templateName)
        let language = try contentLanguage(email.locale)
        if let boundary { try Self.checkBoundaryCharacters(boundary) }
        let delimiter = boundary ?? Self.derivedBoundary(messageID: messageID)

        let headerText = email.subject.utf8.count + (to.displayName?.utf8.count ?? 0)
        let bodyText = email.text.utf8.count + email.html.utf8.count
        // Room for the worst case (quoted-printable of every body byte), so the buffer never grows:
        // an allocation is cheap, a copy of a half-written message is not.
        var out = WireWriter(
            capacity: 1024 + fromField.count + (replyToField?.count ?? 0) + 4 * headerText + bodyText * 3 + bodyText / 8)
        out.startField("Date")
        MessageDate.write(date, into: &out)
        out.endField()
        out.append(fromField)
        if let replyToField { out.append(replyToField) }
        out.startField("To")
        to.writeTokens(firstRoom: HeaderField.preferredWidth - 4, into: &out)
        out.endField()
        out.startField("Subject")
        HeaderValueEncoder.writeUnstructured(email.subject, firstRoom: HeaderField.preferredWidth - 9, into: &out)
        out.endField()
        out.startField("Message-ID")
        out.token(messageID)
        out.endField()
        out.startField("MIME-Version")
        out.token("1.0")
        out.endField()
        out.startField("Content-Type")
        out.token("multipart/alternative;")
        out.beginToken()
        out.append("boundary=\"")
        out.append(delimiter)
        out.append(UInt8(ascii: "\""))
        out.endToken()
        out.endField()
        if let language {
            out.startField("Content-Language")
            out.token(language)
            out.endField()
        }
        out.startField("Auto-Submitted")
        out.token("auto-generated")
        out.endField()
        if let deadline = email.deadline {
            // RFC 4021 section 2.1.50; read back by ComposedMessage.expires before every attempt.
            out.startField("Expires")
            MessageDate.write(deadline.date, into: &out)
            out.endField()
        }
        out.append("\r\n")

        out.append("--")
        out.append(delimiter)
        out.append("\r\n")
        let textBody = email.text.withUTF8Bytes { TextPart.write(subtype: "plain", text: $0, into: &out) }.range
        out.append("\r\n--")
        out.append(delimiter)
        out.append("\r\n")
        let htmlBody = email.html.withUTF8Bytes { TextPart.write(subtype: "html", text: $0, into: &out) }.range
        out.append("\r\n--")
        out.append(delimiter)
        out.append("--\r\n")

        if let boundary { try Self.checkBoundaryAbsent(boundary, from: [textBody, htmlBody], in: out) }
        return ComposedMessage(
            envelope: Envelope(sender: from.address, recipients: [to.address]),
            messageID: messageID,
            bytes: out.bytes()
        )
    }

    /// A whole `Name: mailbox\r\n` field.
    private static func mailboxField(_ name: StaticString, _ mailbox: Mailbox) -> [UInt8] {
        var out = WireWriter(capacity: 256)
        out.startField(name)
        mailbox.writeTokens(firstRoom: HeaderField.preferredWidth - name.utf8CodeUnitCount - 2, into: &out)
        out.endField()
        return out.bytes()
    }
}
