/// Turns header text into foldable tokens: plain words where that is exact, encoded words otherwise.
///
/// Plain text is used only where a reader that unfolds the header gets back exactly the input. Text made
/// of single-space-separated words keeps its plain words (printable ASCII, no `=?`, short enough to
/// fold) and encodes each run of other words as one piece, spaces inside the run included: RFC 2047
/// drops the space between two adjacent encoded words but keeps it next to a plain word. Text with
/// leading, trailing or doubled spaces, which folding would move, is encoded whole.
///
/// Works on the UTF-8 bytes and writes tokens straight into a ``WireWriter``. Words are separated
/// by a space that is a grapheme cluster on its own (as `String.split(separator: " ")` sees it): a
/// space followed by a combining mark belongs to its cluster and does not separate words.
enum HeaderValueEncoder {
    /// The longest plain word that still fits a continuation line of 78 characters.
    private static let longestPlainWord = HeaderField.preferredWidth - 1

    /// Tokens for an unstructured field such as `Subject` (kept for tests and callers of tokens).
    static func unstructured(_ text: String, headerName: String) -> [String] {
        var out = WireWriter(capacity: text.utf8.count * 4 + 64, recordingTokens: true)
        writeUnstructured(text, firstRoom: HeaderField.firstLineRoom(forName: headerName), into: &out)
        return out.tokenStrings()
    }

    /// Tokens for a display name (RFC 5322 `phrase`): atoms, one quoted string, or encoded words.
    static func phrase(_ text: String, headerName: String) -> [String] {
        var out = WireWriter(capacity: text.utf8.count * 4 + 64, recordingTokens: true)
        writePhrase(text, firstRoom: HeaderField.firstLineRoom(forName: headerName), into: &out)
        return out.tokenStrings()
    }

    /// Writes the tokens of an unstructured value; `firstRoom` is what the first line has left.
    static func writeUnstructured(_ text: String, firstRoom: Int, into out: inout WireWriter) {
        if text.isEmpty { return }
        SpaceSeparatedWords.withWords(of: text) { words in
            mixed(words, firstRoom: firstRoom, atomsOnly: false, into: &out)
        }
    }

    /// Writes the tokens of a display name.
    static func writePhrase(_ text: String, firstRoom: Int, into out: inout WireWriter) {
        if text.isEmpty { return }
        SpaceSeparatedWords.withWords(of: text) { words in
            if words.isPrintableASCII && !words.containsEncodedWordMarker(0..<words.count, opening: true) {
                if words.allWords({ isPlainWord(words, $0) && isAtom(words, $0) }) {
                    words.forEachWord { word in
                        out.beginToken()
                        out.append(UnsafeBufferPointer(rebasing: words.bytes[word]))
                        out.endToken()
                    }
                    return
                }
                var quotedLength = 2 + words.count
                for byte in words.bytes where byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    quotedLength += 1
                }
                if quotedLength <= longestPlainWord {
                    out.beginToken()
                    out.append(UInt8(ascii: "\""))
                    for byte in words.bytes {
                        if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") { out.append(UInt8(ascii: "\\")) }
                        out.append(byte)
                    }
                    out.append(UInt8(ascii: "\""))
                    out.endToken()
                    return
                }
            }
            mixed(words, firstRoom: firstRoom, atomsOnly: true, into: &out)
        }
    }

    /// Plain words as they are, each run of other words as encoded words.
    private static func mixed(_ words: SpaceSeparatedWords, firstRoom: Int, atomsOnly: Bool, into out: inout WireWriter) {
        guard words.allWords({ !$0.isEmpty }) else {
            EncodedWord.write(words.bytes, firstLimit: firstRoom, into: &out)
            return
        }
        var wroteToken = false
        var run: Range<Int>?
        func flushRun(_ out: inout WireWriter) {
            guard let range = run else { return }
            let limit = wroteToken ? EncodedWord.maximumLength : firstRoom
            EncodedWord.write(UnsafeBufferPointer(rebasing: words.bytes[range]), firstLimit: limit, into: &out)
            wroteToken = true
            run = nil
        }
        words.forEachWord { word in
            if isPlainWord(words, word) && (!atomsOnly || isAtom(words, word)) {
                flushRun(&out)
                out.beginToken()
                out.append(UnsafeBufferPointer(rebasing: words.bytes[word]))
                out.endToken()
                wroteToken = true
            } else {
                run = (run?.lowerBound ?? word.lowerBound)..<word.upperBound
            }
        }
        flushRun(&out)
    }

    /// A word that can be written as-is: printable ASCII, not mistakable for an encoded word, foldable.
    private static func isPlainWord(_ words: SpaceSeparatedWords, _ word: Range<Int>) -> Bool {
        guard !word.isEmpty, word.count <= longestPlainWord else { return false }
        var previous: UInt8 = 0
        for index in word {
            let byte = words.bytes[index]
            if byte <= 0x20 || byte > 0x7E { return false }
            // `=?` and `?=` would make a reader take the word for (part of) an encoded word.
            if (previous == UInt8(ascii: "=") && byte == UInt8(ascii: "?"))
                || (previous == UInt8(ascii: "?") && byte == UInt8(ascii: "=")) { return false }
            previous = byte
        }
        return true
    }

    private static func isAtom(_ words: SpaceSeparatedWords, _ word: Range<Int>) -> Bool {
        for index in word where !AddressSpec.isAtext(words.bytes[index]) { return false }
        return true
    }
}
