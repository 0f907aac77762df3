/// Wraps plain text at spaces, never inside a word: the text part of every email to 78 columns
/// (RFC 5322's recommended line length, whatever the values put into a hand-wrapped template
/// line), and the preview to the terminal's width.
///
/// A word longer than the width (a URL, say) is kept whole on a line of its own: a URL broken by
/// the wrapper can no longer be copied or clicked, and the terminal's own wrap keeps it one piece.
/// A line's indentation, and the marker of a list item (`- `, `* `, `3. `), become the
/// indentation of its continuation lines. ANSI colour sequences take no width.
package enum TextWrap {
    package static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { wrapLine(String($0), width: width) }
            .joined(separator: "\n")
    }

    package static func wrapLine(_ line: String, width: Int) -> String {
        // No more bytes than columns: nothing to measure (most lines of an email).
        guard line.utf8.count > width, visibleWidth(line) > width else { return line }
        let indent = hangingIndent(of: line)
        let lead = String(line.prefix(indent))
        // Empty words keep runs of spaces as they were, except where the line breaks.
        let words = line.dropFirst(indent).split(separator: " ", omittingEmptySubsequences: false)
        var lines: [String] = []
        var current = lead
        var currentWidth = indent
        var hasWord = false
        for word in words {
            let wordWidth = visibleWidth(word)
            if hasWord && !word.isEmpty && currentWidth + 1 + wordWidth > width {
                while current.hasSuffix(" ") && current.count > indent { current.removeLast() }
                lines.append(current)
                current = String(repeating: " ", count: indent)
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
        lines.append(current)
        return lines.joined(separator: "\n")
    }

    /// Leading spaces plus a list marker, in characters; at most half a line's worth, so deep
    /// indentation still leaves room for words.
    package static func hangingIndent(of line: String) -> Int {
        let characters = Array(line)
        var i = 0
        while i < characters.count && characters[i] == " " { i += 1 }
        let spaces = i
        if i + 1 < characters.count, "-*•".contains(characters[i]), characters[i + 1] == " " {
            i += 2
        } else {
            var j = i
            while j < characters.count && characters[j].isASCII && characters[j].isNumber { j += 1 }
            if j > i, j + 1 < characters.count, characters[j] == ".", characters[j + 1] == " " { i = j + 2 }
        }
        let indent = i == spaces ? spaces : i
        return indent * 2 <= 40 ? indent : spaces
    }

    /// Columns on a terminal: characters, not counting `ESC [ ... m` colour sequences.
    package static func visibleWidth(_ text: some StringProtocol) -> Int {
        var width = 0
        var inEscape = false
        for scalar in text.unicodeScalars {
            if inEscape {
                if scalar.properties.isAlphabetic { inEscape = false }
                continue
            }
            if scalar == "\u{1B}" {
                inEscape = true
                continue
            }
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark {
                continue
            }
            width += 1
        }
        return width
    }
}
