/// A header value's UTF-8 bytes and its space-separated words, as byte ranges.
///
/// Words are what `text.split(separator: " ", omittingEmptySubsequences: false)` yields: separated
/// by a space that is a whole grapheme cluster. In ASCII text, and wherever both neighbours of a
/// space are ASCII, every space is one (no ASCII character extends or prepends to a cluster), so
/// the bytes decide. Only a space next to a non-ASCII byte could belong to a larger cluster (a
/// combining mark after it, a prepended mark before it); text with such a space asks `String` once.
struct SpaceSeparatedWords {
    let bytes: UnsafeBufferPointer<UInt8>
    /// True when every byte is printable ASCII (0x20-0x7E).
    let isPrintableASCII: Bool
    /// Byte offsets of the separating spaces, when `String` had to find them; nil when each space is one.
    private let separators: [Int]?

    var count: Int { bytes.count }

    private init(bytes: UnsafeBufferPointer<UInt8>, text: String) {
        self.bytes = bytes
        var printable = true
        var ambiguous = false
        for index in bytes.indices {
            let byte = bytes[index]
            if byte < 0x20 || byte > 0x7E { printable = false }
            if byte == 0x20 {
                if (index > 0 && bytes[index - 1] >= 0x80) || (index + 1 < bytes.count && bytes[index + 1] >= 0x80) {
                    ambiguous = true
                }
            }
        }
        isPrintableASCII = printable
        if ambiguous {
            let words = text.split(separator: " ", omittingEmptySubsequences: false)
            separators = words.dropLast().map { text.utf8.distance(from: text.utf8.startIndex, to: $0.endIndex) }
        } else {
            separators = nil
        }
    }

    /// Calls `body` with the words of `text`; the bytes are valid only inside `body`.
    static func withWords<Result>(of text: String, _ body: (SpaceSeparatedWords) -> Result) -> Result {
        text.withUTF8Bytes { body(SpaceSeparatedWords(bytes: $0, text: text)) }
    }

    /// Each word's byte range in order; an empty range for an empty word (leading, trailing or doubled space).
    func forEachWord(_ body: (Range<Int>) -> Void) {
        var start = 0
        var separatorIndex = 0
        while true {
            let end = nextSeparator(from: start, &separatorIndex)
            body(start..<end)
            if end == bytes.count { return }
            start = end + 1
        }
    }

    /// True when `predicate` holds for every word (stops at the first that fails).
    func allWords(_ predicate: (Range<Int>) -> Bool) -> Bool {
        var start = 0
        var separatorIndex = 0
        while true {
            let end = nextSeparator(from: start, &separatorIndex)
            if !predicate(start..<end) { return false }
            if end == bytes.count { return true }
            start = end + 1
        }
    }

    /// True when `range` holds `=?` (`opening`) or `?=`.
    func containsEncodedWordMarker(_ range: Range<Int>, opening: Bool) -> Bool {
        let first = opening ? UInt8(ascii: "=") : UInt8(ascii: "?")
        let second = opening ? UInt8(ascii: "?") : UInt8(ascii: "=")
        guard range.count >= 2 else { return false }
        for index in range.lowerBound..<(range.upperBound - 1) where bytes[index] == first && bytes[index + 1] == second {
            return true
        }
        return false
    }

    private func nextSeparator(from start: Int, _ separatorIndex: inout Int) -> Int {
        if let separators {
            guard separatorIndex < separators.count else { return bytes.count }
            defer { separatorIndex += 1 }
            return separators[separatorIndex]
        }
        var index = start
        while index < bytes.count && bytes[index] != 0x20 { index += 1 }
        return index
    }
}
