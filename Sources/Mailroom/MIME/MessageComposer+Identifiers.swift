extension MessageComposer {
    /// `<event.template.hash@domain>`: readable in logs, identical whenever the same event is composed
    /// for the same recipient, different for a different recipient or template.
    ///
    /// Characters a dot-atom cannot hold (`:` is allowed in event ids) become `-`; the hash covers the
    /// raw event id too, so two ids that sanitise alike still get different Message-IDs.
    func makeMessageID(eventID: String, templateName: String, recipient: Mailbox) throws(MessageError) -> String {
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
