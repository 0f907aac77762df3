/// RFC 2047 encoded words (`=?utf-8?q?...?=` / `=?utf-8?b?...?=`) for non-ASCII header text.
///
/// Text is split between grapheme clusters so a reader that shows words one by one never tears a
/// character apart; only a single cluster too long for one word (a long run of combining marks) is
/// split between Unicode scalars. It is never split inside a UTF-8 sequence, because RFC 2047 requires
/// every encoded word to decode on its own. Q uses only the restricted `phrase` alphabet of RFC 2047
/// section 5(3), so the same words are valid in `Subject` and in a display name.
///
/// Works on the UTF-8 bytes: the words under construction are a byte range of the input and their
/// encoded length is kept as a running sum, so nothing is allocated per character. Grapheme breaks
/// come from `String`'s own iteration (ASCII text, where every byte is a cluster, skips it).
enum EncodedWord {
    /// The longest encoded word RFC 2047 allows.
    static let maximumLength = 75
    private static let overhead = 12 // "=?utf-8?q?" + "?="

    enum Scheme {
        case q, b
    }

    /// The words for `text`, the first at most `firstLimit` characters (to fit after the header name),
    /// the others at most 75. Joined by folding whitespace, they decode back to exactly `text`.
    static func encode(_ text: String, firstLimit: Int = maximumLength) -> [String] {
        var out = WireWriter(capacity: text.utf8.count * 4 + 64, recordingTokens: true)
        let bytes = Array(text.utf8)
        bytes.withUnsafeBufferPointer { write($0, firstLimit: firstLimit, into: &out) }
        return out.tokenStrings()
    }

    /// Writes the words for the UTF-8 text `bytes` as header tokens of `out`.
    ///
    /// `bytes` must hold no CR or LF (header values are checked for control characters first), so in
    /// ASCII text every byte is a grapheme cluster of its own.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, firstLimit: Int, into out: inout WireWriter) {
        let count = bytes.count
        var qTotal = 0
        var ascii = true
        for byte in bytes {
            qTotal += qWidth(byte)
            if byte >= 0x80 { ascii = false }
        }
        let scheme: Scheme = qTotal <= bLength(count) ? .q : .b
        let text = ascii ? "" : String(decoding: bytes, as: UTF8.self)
        var characters = text.makeIterator()
        var limit = max(minimumLimit, min(firstLimit, maximumLength))
        // The pending word is bytes[pendingStart..<position]; pendingQ is its Q payload length.
        var pendingStart = 0
        var pendingQ = 0
        var position = 0

        func fits(_ extraBytes: Int, _ extraQ: Int) -> Bool {
            switch scheme {
            case .q: overhead + pendingQ + extraQ <= limit
            case .b: overhead + bLength(position - pendingStart + extraBytes) <= limit
            }
        }
        func flush(_ out: inout WireWriter) {
            guard pendingStart < position else { return }
            writeWord(UnsafeBufferPointer(rebasing: bytes[pendingStart..<position]), scheme, into: &out)
            pendingStart = position
            pendingQ = 0
            limit = maximumLength
        }

        while position < count {
            let clusterLength: Int
            if ascii {
                clusterLength = 1
            } else {
                guard let character = characters.next() else { break }
                clusterLength = character.utf8.count
            }
            let end = position + clusterLength
            var clusterQ = 0
            if scheme == .q { for index in position..<end { clusterQ += qWidth(bytes[index]) } }
            if !fits(clusterLength, clusterQ) {
                flush(&out)
                if !fits(clusterLength, clusterQ) {
                    // One cluster longer than a word: fall back to scalar boundaries.
                    while position < end {
                        let scalarEnd = position + scalarLength(lead: bytes[position])
                        var scalarQ = 0
                        for index in position..<scalarEnd { scalarQ += qWidth(bytes[index]) }
                        if !fits(scalarEnd - position, scalarQ) { flush(&out) }
                        pendingQ += scalarQ
                        position = scalarEnd
                    }
                    continue
                }
            }
            pendingQ += clusterQ
            position = end
        }
        flush(&out)
    }

    /// Small enough for any 4-byte scalar in either scheme, so the loop above always progresses.
    private static let minimumLimit = overhead + 12

    @inline(__always)
    private static func qWidth(_ byte: UInt8) -> Int {
        isQLiteral(byte) || byte == 0x20 ? 1 : 3
    }

    private static func bLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    private static func scalarLength(lead: UInt8) -> Int {
        switch lead {
        case ..<0x80: 1
        case ..<0xE0: 2
        case ..<0xF0: 3
        default: 4
        }
    }

    /// Letters, digits and `! * + - /`: the Q characters RFC 2047 allows inside a phrase.
    @inline(__always)
    private static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"): true
        default: false
        }
    }

    private static func writeWord(_ bytes: UnsafeBufferPointer<UInt8>, _ scheme: Scheme, into out: inout WireWriter) {
        out.beginToken()
        switch scheme {
        case .b:
            out.append("=?utf-8?b?")
            out.append(Base64.encode(bytes))
        case .q:
            out.append("=?utf-8?q?")
            for byte in bytes {
                if isQLiteral(byte) {
                    out.append(byte)
                } else if byte == 0x20 {
                    out.append(UInt8(ascii: "_"))
                } else {
                    out.append(UInt8(ascii: "="))
                    out.append(Hex.digit(byte >> 4))
                    out.append(Hex.digit(byte & 0x0F))
                }
            }
        }
        out.append("?=")
        out.endToken()
    }
}
