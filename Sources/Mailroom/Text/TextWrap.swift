/// Wraps plain text at spaces, never inside a word: the text part of every email to 78 columns
/// (RFC 5322's recommended line length, whatever the values put into a hand-wrapped template
/// line), and the preview to the terminal's width.
///
/// A word longer than the width (a URL, say) is kept whole on a line of its own: a URL broken by
/// the wrapper can no longer be copied or clicked, and the terminal's own wrap keeps it one piece.
/// A line's indentation, and the marker of a list item (`- `, `* `, `3. `), become the
/// indentation of its continuation lines. ANSI colour sequences take no width.
///
/// It runs on every message sent, so it walks bytes and scalars, not characters: a line break
/// and a space are single bytes in UTF-8 and never part of another scalar.
package enum TextWrap {
    package static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        var wrapped = ""
        wrapped.reserveCapacity(text.utf8.count + text.utf8.count / 16)
        var first = true
        for line in text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if !first { wrapped += "\n" }
            first = false
            appendWrapped(Substring(line), width: width, to: &wrapped)
        }
        return wrapped
    }

    package static func wrapLine(_ line: String, width: Int) -> String {
        var wrapped = ""
        appendWrapped(Substring(line), width: width, to: &wrapped)
        return wrapped
    }

    private static func appendWrapped(_ line: Substring, width: Int, to wrapped: inout String) {
        // No more bytes than columns: nothing to measure (most lines of an email).
        guard line.utf8.count > width, visibleWidth(line) > width else {
            wrapped += line
            return
        }
        let indent = hangingIndent(of: line)
        let rest = line.unicodeScalars.index(line.startIndex, offsetBy: indent)
        let continuation = String(repeating: " ", count: indent)
        var current = String(line[..<rest])
        // The bytes of the current line's indentation, which trailing-space trimming keeps.
        var indentBytes = current.utf8.count
        var currentWidth = indent
        var hasWord = false
        // Empty words keep runs of spaces as they were, except where the line breaks.
        for wordBytes in line[rest...].utf8.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false) {
            let word = Substring(wordBytes)
            let wordWidth = visibleWidth(word)
            if hasWord && !word.isEmpty && currentWidth + 1 + wordWidth > width {
                while current.utf8.count > indentBytes && current.utf8.last == UInt8(ascii: " ") { current.removeLast() }
                wrapped += current
                wrapped += "\n"
                current = continuation
                indentBytes = indent
                currentWidth = indent
                hasWord = false
            }
            if hasWord {
                current += " "
                currentWidth += 1
            }
            current += word
            currentWidth += wordWidth
            hasWord = true
        }
        wrapped += current
    }

    /// Leading spaces plus a list marker, in scalars (each one column); at most half a line's
    /// worth, so deep indentation still leaves room for words.
    package static func hangingIndent(of line: some StringProtocol) -> Int {
        let scalars = line.unicodeScalars
        var index = scalars.startIndex
        func scalar(at offset: Int) -> Unicode.Scalar? {
            scalars.index(index, offsetBy: offset, limitedBy: scalars.endIndex).flatMap { $0 < scalars.endIndex ? scalars[$0] : nil }
        }
        var spaces = 0
        while index < scalars.endIndex && scalars[index] == " " {
            spaces += 1
            index = scalars.index(after: index)
        }
        var indent = spaces
        if let marker = scalar(at: 0), "-*•".unicodeScalars.contains(marker), scalar(at: 1) == " " {
            indent = spaces + 2
        } else {
            var digits = 0
            while let digit = scalar(at: digits), ("0"..."9").contains(digit) { digits += 1 }
            if digits > 0, scalar(at: digits) == ".", scalar(at: digits + 1) == " " { indent = spaces + digits + 2 }
        }
        return indent * 2 <= 40 ? indent : spaces
    }

    /// Columns on a terminal: scalars, not counting combining marks or `ESC [ ... m` colour
    /// sequences.
    package static func visibleWidth(_ text: some StringProtocol) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if scalar.isASCII {
                if inEscape {
                    if scalar.properties.isAlphabetic { inEscape = false }
                } else if scalar == "\u{1B}" {
                    inEscape = true
                } else {
                    width += 1
                }
                continue
            }
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
