@testable import Mailroom

// The pre-optimisation MIME writer, kept verbatim as the oracle for the differential tests.
// Copied from Sources/Mailroom/MIME and Addressing at commit 7b6c9bd (before issue #4's byte-level
// rewrite); only wrapped in the `ReferenceMIME` namespace. Do not "improve" it: its job is to be the
// old behaviour, byte for byte and error for error.
extension ReferenceMIME {
    /// One header field, held as unbreakable ASCII tokens and folded between them.
    ///
    /// Folding happens only at the single space between two tokens, so an encoded word, a quoted string
    /// or an address is never broken. Lines are kept within 78 characters where the tokens allow; a
    /// token that is itself longer (a long Message-ID or address) gets a line of its own, still far below
    /// the 998-octet limit because every token the composer makes is bounded.
    struct HeaderField: Sendable, Equatable {
        static let preferredWidth = 78

        let name: String
        let tokens: [String]

        init(name: String, tokens: [String]) {
            self.name = name
            self.tokens = tokens
        }

        /// The room left on the first line after `Name: `, for a first encoded word.
        static func firstLineRoom(forName name: String) -> Int {
            preferredWidth - name.utf8.count - 2
        }

        /// `Name: token token`, folded with CRLF + space, ending in CRLF.
        var rendered: String {
            var out = name + ":"
            var column = out.utf8.count
            var tokensOnLine = 0
            for token in tokens {
                let width = token.utf8.count
                if tokensOnLine > 0 && column + 1 + width > Self.preferredWidth {
                    out += "\r\n"
                    column = 0
                    tokensOnLine = 0
                }
                out += " " + token
                column += 1 + width
                tokensOnLine += 1
            }
            return out + "\r\n"
        }
    }
}

extension ReferenceMIME {
    /// Turns header text into foldable tokens: plain words where that is exact, encoded words otherwise.
    ///
    /// Plain text is used only where a reader that unfolds the header gets back exactly the input. Text made
    /// of single-space-separated words keeps its plain words (printable ASCII, no `=?`, short enough to
    /// fold) and encodes each run of other words as one piece, spaces inside the run included: RFC 2047
    /// drops the space between two adjacent encoded words but keeps it next to a plain word. Text with
    /// leading, trailing or doubled spaces, which folding would move, is encoded whole.
    enum HeaderEncoding {
        /// The longest plain word that still fits a continuation line of 78 characters.
        private static let longestPlainWord = HeaderField.preferredWidth - 1

        /// Tokens for an unstructured field such as `Subject`.
        static func unstructured(_ text: String, headerName: String) -> [String] {
            if text.isEmpty { return [] }
            return mixed(text, headerName: headerName, isPlain: isPlainWord)
        }

        /// Tokens for a display name (RFC 5322 `phrase`): atoms, one quoted string, or encoded words.
        static func phrase(_ text: String, headerName: String) -> [String] {
            if text.isEmpty { return [] }
            if HeaderText.isPrintableASCII(text) && !text.contains("=?") {
                let words = text.split(separator: " ", omittingEmptySubsequences: false)
                if words.allSatisfy({ isPlainWord($0) && isAtom($0) }) { return words.map(String.init) }
                let quoted = quotedString(text)
                if quoted.utf8.count <= longestPlainWord { return [quoted] }
            }
            return mixed(text, headerName: headerName) { isPlainWord($0) && isAtom($0) }
        }

        /// Plain words as they are, each run of other words as encoded words.
        private static func mixed(_ text: String, headerName: String, isPlain: (Substring) -> Bool) -> [String] {
            let firstRoom = HeaderField.firstLineRoom(forName: headerName)
            let words = text.split(separator: " ", omittingEmptySubsequences: false)
            guard words.allSatisfy({ !$0.isEmpty }) else { return EncodedWord.encode(text, firstLimit: firstRoom) }
            var tokens: [String] = []
            var run: [Substring] = []
            func flushRun() {
                guard !run.isEmpty else { return }
                let limit = tokens.isEmpty ? firstRoom : EncodedWord.maximumLength
                tokens += EncodedWord.encode(run.joined(separator: " "), firstLimit: limit)
                run.removeAll()
            }
            for word in words {
                if isPlain(word) {
                    flushRun()
                    tokens.append(String(word))
                } else {
                    run.append(word)
                }
            }
            flushRun()
            return tokens
        }

        /// A word that can be written as-is: printable ASCII, not mistakable for an encoded word, foldable.
        private static func isPlainWord(_ word: Substring) -> Bool {
            !word.isEmpty && word.utf8.count <= longestPlainWord
                && word.utf8.allSatisfy { $0 > 0x20 && $0 <= 0x7E } && !word.contains("=?") && !word.contains("?=")
        }

        private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~".utf8)

        private static func isAtom(_ word: Substring) -> Bool {
            word.utf8.allSatisfy { atext.contains($0) }
        }

        /// `"..."` with `"` and `\` escaped; only called for printable ASCII.
        private static func quotedString(_ text: String) -> String {
            var out = "\""
            for character in text {
                if character == "\"" || character == "\\" { out.append("\\") }
                out.append(character)
            }
            return out + "\""
        }
    }
}

extension ReferenceMIME {
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
}
