/// RFC 2047 encoded words (`=?utf-8?q?...?=` / `=?utf-8?b?...?=`) for non-ASCII header text.
///
/// Text is split between grapheme clusters so a reader that shows words one by one never tears a
/// character apart; only a single cluster too long for one word (a long run of combining marks) is
/// split between Unicode scalars. It is never split inside a UTF-8 sequence, because RFC 2047 requires
/// every encoded word to decode on its own. Q uses only the restricted `phrase` alphabet of RFC 2047
/// section 5(3), so the same words are valid in `Subject` and in a display name.
enum EncodedWord {
    /// The longest encoded word RFC 2047 allows.
    static let maximumLength = 75
    private static let overhead = "=?utf-8?q?".count + "?=".count

    enum Scheme {
        case q, b
    }

    /// The words for `text`, the first at most `firstLimit` characters (to fit after the header name),
    /// the others at most 75. Joined by folding whitespace, they decode back to exactly `text`.
    static func encode(_ text: String, firstLimit: Int = maximumLength) -> [String] {
        let bytes = Array(text.utf8)
        let scheme: Scheme = qLength(bytes[...]) <= bLength(bytes.count) ? .q : .b
        var words: [String] = []
        var pending: [UInt8] = []
        var limit = max(minimumLimit, min(firstLimit, maximumLength))

        func fits(_ candidate: [UInt8]) -> Bool {
            overhead + payloadLength(candidate, scheme) <= limit
        }
        func flush() {
            guard !pending.isEmpty else { return }
            words.append(word(pending, scheme))
            pending.removeAll(keepingCapacity: true)
            limit = maximumLength
        }

        for character in text {
            let cluster = Array(String(character).utf8)
            if fits(pending + cluster) {
                pending += cluster
                continue
            }
            flush()
            if fits(cluster) {
                pending = cluster
                continue
            }
            // One cluster longer than a word: fall back to scalar boundaries.
            for scalar in character.unicodeScalars {
                let piece = Array(String(scalar).utf8)
                if !fits(pending + piece) { flush() }
                pending += piece
            }
        }
        flush()
        return words
    }

    /// Small enough for any 4-byte scalar in either scheme, so the loop above always progresses.
    private static let minimumLimit = overhead + 12

    private static func payloadLength(_ bytes: [UInt8], _ scheme: Scheme) -> Int {
        switch scheme {
        case .q: qLength(bytes[...])
        case .b: bLength(bytes.count)
        }
    }

    private static func qLength(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + (isQLiteral($1) || $1 == 0x20 ? 1 : 3) }
    }

    private static func bLength(_ count: Int) -> Int { (count + 2) / 3 * 4 }

    /// Letters, digits and `! * + - /`: the Q characters RFC 2047 allows inside a phrase.
    private static func isQLiteral(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "/"): true
        default: false
        }
    }

    private static func word(_ bytes: [UInt8], _ scheme: Scheme) -> String {
        switch scheme {
        case .b:
            return "=?utf-8?b?" + Base64.encode(bytes) + "?="
        case .q:
            var out = "=?utf-8?q?"
            for byte in bytes {
                if isQLiteral(byte) {
                    out.unicodeScalars.append(Unicode.Scalar(byte))
                } else if byte == 0x20 {
                    out += "_"
                } else {
                    out += "=" + Hex.byte(byte)
                }
            }
            return out + "?="
        }
    }
}
