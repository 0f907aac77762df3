import Foundation
@testable import Mailroom

// The pre-optimisation MIME writer, kept verbatim as the oracle for the differential tests.
// Copied from Sources/Mailroom/MIME and Addressing at commit 7b6c9bd (before issue #4's byte-level
// rewrite); only wrapped in the `ReferenceMIME` namespace. Do not "improve" it: its job is to be the
// old behaviour, byte for byte and error for error.

/// Builds the wire form of one rendered email: RFC 5322 headers over a `multipart/alternative` body
/// (text/plain first, text/html last, as RFC 2046 orders them from plainest to richest).
///
/// Composing is deterministic: the same email, event id, recipient and date give the same bytes,
/// including the Message-ID and the boundary, so a message re-composed after a crash is the same
/// message. The output is 7-bit, CRLF-only, with no line over 998 octets; any control character in a
/// header value is refused with a ``MessageError`` rather than written.
struct ReferenceComposer: Sendable {
    /// The `From` header and envelope sender.
    let from: Mailbox
    let replyTo: Mailbox?
    /// The right-hand side of every Message-ID, e.g. `mail.example.com`.
    let messageIDDomain: String

    init(from: Mailbox, replyTo: Mailbox? = nil, messageIDDomain: String) {
        self.from = from
        self.replyTo = replyTo
        self.messageIDDomain = messageIDDomain
    }

    typealias HeaderField = ReferenceMIME.HeaderField
    typealias HeaderEncoding = ReferenceMIME.HeaderEncoding
    typealias HeaderText = ReferenceMIME.HeaderText
    typealias TextPart = ReferenceMIME.TextPart
    typealias MessageDate = ReferenceMIME.MessageDate
    typealias StableHash = ReferenceMIME.StableHash
    typealias AddressSpec = ReferenceMIME.AddressSpec

    /// Composes `email` for `to`.
    ///
    /// - Parameters:
    ///   - eventID: the idempotency key; with the template name and recipient it determines the Message-ID.
    ///   - date: the `Date` header, written in UTC.
    ///   - boundary: a fixed MIME boundary for tests; by default one is derived from the Message-ID.
    /// - Throws: ``MessageError`` for a control character in any header value, an invalid
    ///   Message-ID domain, locale or boundary.
    func compose(
        _ email: RenderedEmail, eventID: String, to: Mailbox, date: Date, boundary: String? = nil
    ) throws(MessageError) -> ComposedMessage {
        // Mailboxes are checked when made; check again in case one was decoded or built elsewhere.
        let sender = try ReferenceMIME.Mailbox(address: from.address, displayName: from.displayName, field: "From")
        let recipient = try ReferenceMIME.Mailbox(address: to.address, displayName: to.displayName, field: "To")
        let reply = try replyTo.map { (mailbox) throws(MessageError) in
            try ReferenceMIME.Mailbox(address: mailbox.address, displayName: mailbox.displayName, field: "Reply-To")
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

extension ReferenceComposer {
    /// `<event.template.hash@domain>`: readable in logs, identical whenever the same event is composed
    /// for the same recipient, different for a different recipient or template.
    ///
    /// Characters a dot-atom cannot hold (`:` is allowed in event ids) become `-`; the hash covers the
    /// raw event id too, so two ids that sanitise alike still get different Message-IDs.
    func makeMessageID(eventID: String, templateName: String, recipient: ReferenceMIME.Mailbox) throws(MessageError) -> String {
        try HeaderText.requireNoControls(eventID, field: "Message-ID event id")
        try HeaderText.requireNoControls(templateName, field: "Message-ID template name")
        if let problem = AddressSpec.problem(with: "postmaster@" + messageIDDomain) {
            throw MessageError.refusing(
                .invalidDomain, field: "Message-ID domain", value: messageIDDomain,
                because: problem.replacingOccurrences(of: "address", with: "domain")
            )
        }
        let hash = StableHash.hex(of: eventID, templateName, recipient.address)
        let left = [Self.dotAtom(eventID, limit: 128), Self.dotAtom(templateName, limit: 64), hash]
            .filter { !$0.isEmpty }
            .joined(separator: ".")
        return "<\(left)@\(messageIDDomain)>"
    }

    /// `=_` followed by a hash of the Message-ID, or the caller's boundary once checked.
    ///
    /// `=_` cannot appear in quoted-printable (`=` is always followed by hex digits or a line break)
    /// nor in base64, so a derived boundary can never collide with a body line.
    func makeBoundary(given: String?, messageID: String, parts: [TextPart]) throws(MessageError) -> String {
        guard let given else { return "=_mailroom_" + StableHash.hex(of: "boundary", messageID) }
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?".utf8)
        guard !given.isEmpty, given.utf8.count <= 70, given.utf8.allSatisfy(allowed.contains) else {
            throw MessageError.refusing(
                .invalidBoundary, field: "MIME boundary", value: given,
                because: "expected 1-70 characters of letters, digits and '()+_,-./:=?"
            )
        }
        let marker = Array(("\r\n--" + given).utf8)
        for part in parts where ([0x0D, 0x0A] + part.encodedBody).contains(marker) {
            throw MessageError.refusing(
                .invalidBoundary, field: "MIME boundary", value: given, because: "it occurs in the encoded body"
            )
        }
        return given
    }

    /// The `Content-Language` value for `locale`, nil when there is none.
    func contentLanguage(_ locale: String) throws(MessageError) -> String? {
        if locale.isEmpty { return nil }
        try HeaderText.requireNoControls(locale, field: "Content-Language")
        let subtags = locale.split(separator: "-", omittingEmptySubsequences: false)
        let valid = subtags.count <= 8 && subtags.enumerated().allSatisfy { index, tag in
            (1...8).contains(tag.utf8.count) && tag.utf8.allSatisfy { byte in
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                    || (index > 0 && byte >= 0x30 && byte <= 0x39)
            }
        }
        guard valid else {
            throw MessageError.refusing(
                .invalidLocale, field: "Content-Language", value: locale,
                because: "expected a BCP 47 language tag such as en or de-DE"
            )
        }
        return locale
    }

    /// `text` restricted to a dot-atom: disallowed characters become `-`, empty dot pieces are dropped.
    private static func dotAtom(_ text: String, limit: Int) -> String {
        let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)
        let mapped = text.utf8.prefix(limit).map { byte -> UInt8 in
            byte == UInt8(ascii: ".") || atext.contains(byte) ? byte : UInt8(ascii: "-")
        }
        return String(decoding: mapped, as: UTF8.self)
            .split(separator: ".")
            .joined(separator: ".")
    }
}
