extension MessageComposer {
    /// `<event.template.hash@domain>`: readable in logs, identical whenever the same event is composed
    /// with the same template, different for a different event or template. Unique, since the
    /// outbox holds one message per event id.
    ///
    /// Characters a dot-atom cannot hold (`:` is allowed in event ids) become `-`; the hash covers the
    /// raw event id too, so two ids that sanitise alike still get different Message-IDs. It covers
    /// nothing else: the Message-ID outlives redaction, and a hash of the address (unkeyed, as it
    /// has to be here) would let anyone holding a redacted outbox test a guessed address.
    func makeMessageID(eventID: String, templateName: String) throws(MessageError) -> String {
        try HeaderValueCheck.requireNoControls(eventID, field: "Message-ID event id")
        try HeaderValueCheck.requireNoControls(templateName, field: "Message-ID template name")
        if let domainError { throw domainError }
        var hash = StableHash()
        hash.combine(eventID)
        hash.combine(templateName)
        var out = WireWriter(capacity: 128 + 64 + 20 + messageIDDomain.utf8.count)
        out.append(UInt8(ascii: "<"))
        var wrotePiece = false
        eventID.withUTF8Bytes { Self.writeDotAtom($0, limit: 128, wrotePiece: &wrotePiece, into: &out) }
        templateName.withUTF8Bytes { Self.writeDotAtom($0, limit: 64, wrotePiece: &wrotePiece, into: &out) }
        if wrotePiece { out.append(UInt8(ascii: ".")) }
        hash.writeHex(into: &out)
        out.append(UInt8(ascii: "@"))
        out.append(messageIDDomain)
        out.append(UInt8(ascii: ">"))
        return out.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Why `domain` cannot end a Message-ID, decided once per composer.
    static func domainError(_ domain: String) -> MessageError? {
        guard let problem = AddressSpec.problem(with: "postmaster@" + domain) else { return nil }
        return MessageError.refusing(
            .invalidDomain, field: "Message-ID domain", value: domain,
            because: problem.replacingOccurrences(of: "address", with: "domain")
        )
    }

    /// `=_mailroom_` followed by a hash of the Message-ID.
    ///
    /// `=_` cannot appear in quoted-printable (`=` is always followed by hex digits or a line break)
    /// nor in base64, so a derived boundary can never collide with a body line.
    static func derivedBoundary(messageID: String) -> String {
        var hash = StableHash()
        hash.combine("boundary")
        hash.combine(messageID)
        var out = WireWriter(capacity: 27)
        out.append("=_mailroom_")
        hash.writeHex(into: &out)
        return out.withBytes { String(decoding: $0, as: UTF8.self) }
    }

    /// Refuses a caller's boundary that RFC 2046 does not allow.
    static func checkBoundaryCharacters(_ given: String) throws(MessageError) {
        let allowed = Set("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'()+_,-./:=?".utf8)
        guard !given.isEmpty, given.utf8.count <= 70, given.utf8.allSatisfy(allowed.contains) else {
            throw MessageError.refusing(
                .invalidBoundary, field: "MIME boundary", value: given,
                because: "expected 1-70 characters of letters, digits and '()+_,-./:=?"
            )
        }
    }

    /// Refuses a caller's boundary that occurs as a delimiter line in an encoded body: `bodies` are
    /// the bodies' ranges in `out`, each preceded by the CRLF that ends its part's header.
    static func checkBoundaryAbsent(_ given: String, from bodies: [Range<Int>], in out: borrowing WireWriter) throws(MessageError) {
        let marker = Array(("\r\n--" + given).utf8)
        let found = out.withBytes { bytes in
            bodies.contains { body in
                var start = body.lowerBound - 2
                while start + marker.count <= body.upperBound {
                    if bytes[start..<(start + marker.count)].elementsEqual(marker) { return true }
                    start += 1
                }
                return false
            }
        }
        if found {
            throw MessageError.refusing(
                .invalidBoundary, field: "MIME boundary", value: given, because: "it occurs in the encoded body"
            )
        }
    }

    /// The `Content-Language` value for `locale`, nil when there is none.
    func contentLanguage(_ locale: String) throws(MessageError) -> String? {
        if locale.isEmpty { return nil }
        try HeaderValueCheck.requireNoControls(locale, field: "Content-Language")
        // Up to 8 subtags of 1-8 letters, digits allowed after the first: a BCP 47 tag's shape.
        let valid = locale.withUTF8Bytes { bytes in
            var subtags = 1
            var length = 0
            for byte in bytes {
                if byte == UInt8(ascii: "-") {
                    if length == 0 || length > 8 { return false }
                    subtags += 1
                    length = 0
                    continue
                }
                let letter = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                if !letter && !(subtags > 1 && byte >= 0x30 && byte <= 0x39) { return false }
                length += 1
            }
            return subtags <= 8 && length >= 1 && length <= 8
        }
        guard valid else {
            throw MessageError.refusing(
                .invalidLocale, field: "Content-Language", value: locale,
                because: "expected a BCP 47 language tag such as en or de-DE"
            )
        }
        return locale
    }

    /// `text` restricted to a dot-atom, its non-empty dot pieces joined to what `out` holds by `.`:
    /// disallowed characters become `-`, empty dot pieces are dropped.
    private static func writeDotAtom(
        _ text: UnsafeBufferPointer<UInt8>, limit: Int, wrotePiece: inout Bool, into out: inout WireWriter
    ) {
        var inPiece = false
        for byte in text.prefix(limit) {
            if byte == UInt8(ascii: ".") {
                inPiece = false
                continue
            }
            if !inPiece {
                if wrotePiece { out.append(UInt8(ascii: ".")) }
                inPiece = true
                wrotePiece = true
            }
            out.append(AddressSpec.isAtext(byte) ? byte : UInt8(ascii: "-"))
        }
    }
}
