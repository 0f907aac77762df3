/// Wraps plain text to a terminal width at spaces, never inside a word.
///
/// A word longer than the width (a URL, say) is kept whole on a line of its own: a URL broken by
/// the wrapper can no longer be copied or clicked, and the terminal's own wrap keeps it one piece.
/// A line's indentation, and the marker of a list item (`- `, `* `, `3. `), become the
/// indentation of its continuation lines. ANSI colour sequences take no width.
enum TextWrap {
    static func wrap(_ text: String, width: Int) -> String {
        let width = max(width, 20)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { wrapLine(String($0), width: width) }
            .joined(separator: "\n")
    }

    static func wrapLine(_ line: String, width: Int) -> String {
        guard visibleWidth(line) > width else { return line }
        let indent = hangingIndent(of: line)
        let lead = String(line.prefix(indent))
        let words = line.dropFirst(indent).split(separator: " ", omittingEmptySubsequences: true)
        var lines: [String] = []
        var current = lead
        var currentWidth = indent
        var hasWord = false
        for word in words {
            let wordWidth = visibleWidth(word)
            if hasWord && currentWidth + 1 + wordWidth > width {
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
    static func hangingIndent(of line: String) -> Int {
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
    static func visibleWidth(_ text: some StringProtocol) -> Int {
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
