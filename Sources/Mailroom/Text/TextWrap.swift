/// Wraps plain text at spaces, never inside a word: the text part of every email to 78 columns
/// (RFC 5322's recommended line length, whatever the values put into a hand-wrapped template
/// line), and the preview to the terminal's width.
///
/// A word longer than the width (a URL, say) is kept whole on a line of its own: a URL broken by
/// the wrapper can no longer be copied or clicked, and the terminal's own wrap keeps it one piece.
/// A line's indentation, and the marker of a list item (`- `, `* `, `• `, `3. `), become the
/// indentation of its continuation lines. ANSI colour sequences and combining marks take no
/// width; every other scalar takes one column.
///
/// It runs on every message sent, so it works on the UTF-8 bytes: a line break and a space are
/// single bytes and never part of another scalar, and only a non-ASCII scalar needs decoding.
package enum TextWrap {
    package static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        var text = text
        return text.withUTF8 { bytes in
            var wrapped: [UInt8] = []
            wrapped.reserveCapacity(bytes.count + bytes.count / 16)
            var start = 0
            while true {
                let end = bytes[start...].firstIndex(of: newline) ?? bytes.count
                appendWrapped(bytes, start..<end, width: width, to: &wrapped)
                guard end < bytes.count else { break }
                wrapped.append(newline)
                start = end + 1
            }
            return String(decoding: wrapped, as: UTF8.self)
        }
    }

    package static func wrapLine(_ line: String, width: Int) -> String {
        var line = line
        return line.withUTF8 { bytes in
            var wrapped: [UInt8] = []
            appendWrapped(bytes, 0..<bytes.count, width: width, to: &wrapped)
            return String(decoding: wrapped, as: UTF8.self)
        }
    }

    /// Columns on a terminal: scalars, not counting combining marks or `ESC [ ... m` colour
    /// sequences.
    package static func visibleWidth(_ text: some StringProtocol) -> Int {
        var text = String(text)
        return text.withUTF8 { columns($0, 0..<$0.count) }
    }

    private static let newline = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")

    private static func appendWrapped(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, width: Int,
                                      to wrapped: inout [UInt8]) {
        // No more bytes than columns: nothing to measure (most lines of an email).
        guard line.count > width, columns(bytes, line) > width else {
            wrapped.append(contentsOf: bytes[line])
            return
        }
        let indent = hangingIndent(bytes, line)
        wrapped.append(contentsOf: bytes[line.lowerBound..<indent.end])
        // Where the current line's words start, which trailing-space trimming keeps.
        var wordsStart = wrapped.count
        var currentWidth = indent.columns
        var hasWord = false
        var wordStart = indent.end
        // Empty words keep runs of spaces as they were, except where the line breaks.
        while wordStart <= line.upperBound {
            let wordEnd = bytes[wordStart..<line.upperBound].firstIndex(of: space) ?? line.upperBound
            let wordWidth = columns(bytes, wordStart..<wordEnd)
            if hasWord && wordEnd > wordStart && currentWidth + 1 + wordWidth > width {
                while wrapped.count > wordsStart && wrapped.last == space { wrapped.removeLast() }
                wrapped.append(newline)
                wrapped.append(contentsOf: repeatElement(space, count: indent.columns))
                wordsStart = wrapped.count
                currentWidth = indent.columns
                hasWord = false
            }
            if hasWord {
                wrapped.append(space)
                currentWidth += 1
            }
            wrapped.append(contentsOf: bytes[wordStart..<wordEnd])
            currentWidth += wordWidth
            hasWord = true
            wordStart = wordEnd + 1
        }
    }

    /// Leading spaces plus a list marker: its columns and the byte where the words begin; at most
    /// half a line's worth, so deep indentation still leaves room for words.
    private static func hangingIndent(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>) -> (columns: Int, end: Int) {
        func byte(_ index: Int) -> UInt8? { index < line.upperBound ? bytes[index] : nil }
        var index = line.lowerBound
        while byte(index) == space { index += 1 }
        let spaces = (columns: index - line.lowerBound, end: index)
        var marker: (columns: Int, end: Int)?
        if let first = byte(index), first == UInt8(ascii: "-") || first == UInt8(ascii: "*"), byte(index + 1) == space {
            marker = (spaces.columns + 2, index + 2)
        } else if byte(index) == 0xE2, byte(index + 1) == 0x80, byte(index + 2) == 0xA2, byte(index + 3) == space {
            marker = (spaces.columns + 2, index + 4)  // "• "
        } else {
            var digits = index
            while let digit = byte(digits), (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) { digits += 1 }
            if digits > index, byte(digits) == UInt8(ascii: "."), byte(digits + 1) == space {
                marker = (spaces.columns + digits - index + 2, digits + 2)
            }
        }
        guard let marker, marker.columns * 2 <= 40 else { return spaces }
        return marker
    }

    private static func columns(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int {
        var width = 0
        var inEscape = false
        var index = range.lowerBound
        while index < range.upperBound {
            let lead = bytes[index]
            if lead < 0x80 {
                if inEscape {
                    if (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lead | 0x20) { inEscape = false }
                } else if lead == 0x1B {
                    inEscape = true
                } else {
                    width += 1
                }
                index += 1
                continue
            }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            var value = UInt32(lead) & (length == 4 ? 0x07 : length == 3 ? 0x0F : 0x1F)
            for offset in 1..<length where index + offset < range.upperBound {
                value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
            }
            index += length
            guard let scalar = Unicode.Scalar(value) else { continue }
            if inEscape {
                if scalar.properties.isAlphabetic { inEscape = false }
                continue
            }
            let category = scalar.properties.generalCategory
            if category != .nonspacingMark && category != .enclosingMark { width += 1 }
        }
        return width
    }
}
