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
