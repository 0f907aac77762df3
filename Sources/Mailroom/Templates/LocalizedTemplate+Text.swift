extension LocalizedTemplate {
    /// Without leading and trailing white space and line breaks: the scalars Foundation's
    /// `.whitespacesAndNewlines` holds, which are exactly Unicode's `White_Space` property.
    /// Done on the scalar view because `trimmingCharacters(in:)` bridges through `NSString`, a
    /// conversion and a copy per call.
    static func trimmed(_ text: String) -> String {
        // Printable ASCII other than space at both ends (a UTF-8 byte below 0x80 is a whole
        // scalar): nothing to trim, without the Unicode tables.
        if let first = text.utf8.first, let last = text.utf8.last, (0x21...0x7E).contains(first),
            (0x21...0x7E).contains(last)
        {
            return text
        }
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        if first == scalars.startIndex && scalars.index(after: last) == scalars.endIndex { return text }
        return String(scalars[first...last])
    }

    /// `text = trimmed(text)`, in place when only ASCII white space trails printable ASCII at
    /// both ends (a rendered body ends with its file's line break): dropping the last bytes of a
    /// string nobody else holds copies nothing, where ``trimmed(_:)`` copied the whole body.
    static func trim(_ text: inout String) {
        let utf8 = text.utf8
        guard let first = utf8.first, (0x21...0x7E).contains(first) else {
            text = trimmed(text)
            return
        }
        var trailing = 0
        var index = utf8.endIndex
        while index > utf8.startIndex {
            let before = utf8.index(before: index)
            let byte = utf8[before]
            if byte == 0x20 || (0x09...0x0D).contains(byte) {
                trailing += 1
                index = before
                continue
            }
            guard (0x21...0x7E).contains(byte) else {
                text = trimmed(text)
                return
            }
            break
        }
        if trailing > 0 { text.unicodeScalars.removeLast(trailing) }
    }

    /// ``trimmed(_:)`` plus one final newline, without copying a document that already is so
    /// (printable ASCII first, and one newline after printable ASCII last: the usual HTML document).
    static func trimmedLine(_ text: String) -> String {
        let utf8 = text.utf8
        if let first = utf8.first, (0x21...0x7E).contains(first), utf8.count >= 2, utf8.last == 0x0A,
            (0x21...0x7E).contains(utf8[utf8.index(utf8.endIndex, offsetBy: -2)])
        {
            return text
        }
        return trimmed(text) + "\n"
    }

    /// At most one blank line in a row (sections that render nothing leave gaps) and one final newline.
    static func tidyText(_ text: String) -> String {
        if isTidy(text) { return text }
        let text = trimmed(text)
        return tidiedBytes(text) ?? tidiedCharacters(text)
    }

    /// Whether ``tidyText(_:)`` would give `text` back unchanged, found by one scan and no copy
    /// (the usual rendered document): printable ASCII first, one final line break after printable
    /// ASCII, no CR, no space or tab before a line break and no two blank lines in a row. A line
    /// break is always a `Character` of its own unless it follows a CR, so bytes decide here.
    static func isTidy(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { bytes in
            let count = bytes.count
            guard let base = bytes.baseAddress, count >= 2, (0x21...0x7E).contains(bytes[0]), bytes[count - 1] == 0x0A,
                (0x21...0x7E).contains(bytes[count - 2])
            else { return false }
            var index = 1
            while index < count {
                // Eight bytes at a time while none is a CR or LF (the usual case, a whole line).
                if index + 8 <= count, !hasLineByte(UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)) {
                    index += 8
                    continue
                }
                let byte = bytes[index]
                index += 1
                if byte == 0x0D { return false }
                guard byte == 0x0A else { continue }
                let previous = bytes[index - 2]
                if previous == 0x20 || previous == 0x09 { return false }
                if previous == 0x0A, bytes[index - 3] == 0x0A { return false }
            }
            return true
        }
    }

    /// Whether any of eight bytes is `0x0A` or `0x0D` (the classic has-zero-byte test on the
    /// word XORed with each).
    private static func hasLineByte(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let lf = word ^ (ones &* 0x0A)
        let cr = word ^ (ones &* 0x0D)
        return ((lf &- ones) & ~lf & highs) | ((cr &- ones) & ~cr & highs) != 0
    }

    /// Whether ``collapsedSpaces(_:)`` (or its `Character` reference) would give `rendered` back
    /// unchanged, by one scan and no copy: not empty, no tab, no space at either end or next to
    /// another, no control character (C0, DEL, C1 as `C2 80`...`C2 9F`) nor U+2028 or U+2029
    /// (`E2 80 A8`, `E2 80 A9`).
    ///
    /// A space next to a non-ASCII scalar is accepted when it is a `Character` of its own: at
    /// once for U+00C0...U+02FF (`Zoë Éva`), a range with no Prepend scalar (which would join a
    /// following space into its `Character`) and no Extend or SpacingMark (which would join a
    /// preceding one), else by asking Swift (`von 1.250,75 € bis`).
    static func isCollapsed(_ rendered: String) -> Bool {
        var text = rendered
        return text.withUTF8 { bytes in
            let count = bytes.count
            guard count > 0, bytes[0] != 0x20, bytes[count - 1] != 0x20 else { return false }
            for index in 0..<count {
                let byte = bytes[index]
                switch byte {
                case 0x20:
                    // Not at either end (checked above), so both neighbours exist.
                    let before = bytes[index - 1]
                    let after = bytes[index + 1]
                    if before == 0x20 { return false }
                    if before >= 0x80, index < 2 || !(0xC3...0xCB).contains(bytes[index - 2]),
                        !spaceStandsAlone(bytes, scalarBefore: index)
                    {
                        return false
                    }
                    if after >= 0x80, !(0xC3...0xCB).contains(after), !spaceStandsAlone(bytes, scalarAfter: index) {
                        return false
                    }
                case 0x00..<0x20, 0x7F: return false
                case 0xC2:
                    if index + 1 < count, (0x80...0x9F).contains(bytes[index + 1]) { return false }
                case 0xE2:
                    if index + 2 < count, bytes[index + 1] == 0x80, bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9 {
                        return false
                    }
                default: break
                }
            }
            return true
        }
    }

    /// Whether the space at `space` is not joined to the scalar before it (a Prepend such as
    /// U+0600 would be), asked of Swift's own `Character` breaking. The breaks around a space
    /// depend on its neighbours alone: no rule that looks further (emoji, flags, Indic
    /// conjuncts) involves a space.
    private static func spaceStandsAlone(_ bytes: UnsafeBufferPointer<UInt8>, scalarBefore space: Int) -> Bool {
        var start = space - 1
        while start > 0, space - start < 4, bytes[start] & 0xC0 == 0x80 { start -= 1 }
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<space]), as: UTF8.self)
        return (scalar + " ").count == 2
    }

    /// Whether the space at `space` is not joined to the scalar after it (an Extend,
    /// SpacingMark or ZWJ would be).
    private static func spaceStandsAlone(_ bytes: UnsafeBufferPointer<UInt8>, scalarAfter space: Int) -> Bool {
        var end = space + 2
        while end < bytes.count, end - space < 5, bytes[end] & 0xC0 == 0x80 { end += 1 }
        let scalar = String(decoding: UnsafeBufferPointer(rebasing: bytes[(space + 1)..<end]), as: UTF8.self)
        return (" " + scalar).count == 2
    }

    /// ``tidyText(_:)`` by `Character`: the general case, and what the byte version must equal.
    static func tidiedCharacters(_ trimmedText: String) -> String {
        var lines: [Substring] = []
        for line in trimmedText.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = line.trimmingTrailingWhitespace()
            if line.isEmpty, lines.last?.isEmpty == true { continue }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// ``tidiedCharacters(_:)`` on UTF-8 bytes, one pass and one allocation; nil when bytes and
    /// `Character`s could disagree, and the `Character` version must decide: a CR (CR LF is one
    /// `Character`, so no line break for `split`) or a space stripped right after a non-ASCII
    /// byte (a prepended mark such as U+0600 makes that space part of a larger `Character`).
    static func tidiedBytes(_ trimmedText: String) -> String? {
        var text = trimmedText
        return text.withUTF8 { bytes -> String? in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count + 1)
            var hasLines = false
            var lastLineEmpty = false
            var start = 0
            while true {
                var end = start
                while end < bytes.count, bytes[end] != 0x0A {
                    if bytes[end] == 0x0D { return nil }
                    end += 1
                }
                var lineEnd = end
                while lineEnd > start, bytes[lineEnd - 1] == 0x20 || bytes[lineEnd - 1] == 0x09 {
                    if bytes[lineEnd - 1] == 0x20, lineEnd - 2 >= start, bytes[lineEnd - 2] >= 0x80 { return nil }
                    lineEnd -= 1
                }
                let empty = lineEnd == start
                if !(empty && lastLineEmpty) {
                    if hasLines { output.append(0x0A) }
                    output.append(contentsOf: bytes[start..<lineEnd])
                    hasLines = true
                    lastLineEmpty = empty
                }
                guard end < bytes.count else { break }
                start = end + 1
            }
            output.append(0x0A)
            return String(decoding: output, as: UTF8.self)
        }
    }

    /// Runs of spaces and tabs as one space, none at the ends, by bytes; nil when the subject
    /// needs the `Character` version: it is empty or holds a control character (both errors), a
    /// C1 control, U+2028 or U+2029, or a space next to a non-ASCII byte (which may join it into
    /// a larger `Character` that is not a separator).
    static func collapsedSpaces(_ rendered: String) -> String? {
        var text = rendered
        return text.withUTF8 { bytes -> String? in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var pendingSpace = false
            var nonASCII = false
            for index in bytes.indices {
                let byte = bytes[index]
                if byte == 0x20 || byte == 0x09 {
                    if byte == 0x20,
                        (index > 0 && bytes[index - 1] >= 0x80) || (index + 1 < bytes.count && bytes[index + 1] >= 0x80)
                    {
                        return nil
                    }
                    pendingSpace = !output.isEmpty
                } else if byte < 0x20 || byte == 0x7F {
                    return nil
                } else {
                    if pendingSpace { output.append(0x20) }
                    pendingSpace = false
                    nonASCII = nonASCII || byte >= 0x80
                    output.append(byte)
                }
            }
            guard !output.isEmpty else { return nil }
            let line = String(decoding: output, as: UTF8.self)
            // ASCII controls were refused above; C1 controls and U+2028/2029 are found by their bytes.
            if nonASCII, SafeText.holdsForbidden(line) { return nil }
            return line
        }
    }
}

extension Substring {
    fileprivate func trimmingTrailingWhitespace() -> Substring {
        var result = self
        while let last = result.last, last == " " || last == "\t" { result.removeLast() }
        return result
    }
}
