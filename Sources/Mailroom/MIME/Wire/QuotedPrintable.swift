/// Quoted-printable (RFC 2045 section 6.7) for bodies that are mostly ASCII.
///
/// Input is canonical text: lines split at CR, LF or CRLF (every CR, LF and CRLF is one line break). Output lines are at
/// most 76 characters including the `=` of a soft break, trailing spaces and tabs are escaped so no
/// transport can strip them, and an `=XX` escape is never split across lines. A leading `.` is left
/// alone (the SMTP client dot-stuffs); a leading `From ` is escaped as `=46rom ` so mbox tools that
/// rewrite it to `>From ` cannot change the text.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// The encoded body; lines end in CRLF except the last (the part delimiter supplies that one).
    /// `lines` hold no CR or LF.
    static func encode(lines: [[UInt8]]) -> [UInt8] {
        let joined = Array(lines.joined(separator: [0x0A]))
        var out = WireWriter(capacity: joined.count * 3 + joined.count / 8 + 3)
        _ = joined.withUnsafeBufferPointer { write($0, into: &out) }
        return out.bytes()
    }

    /// Encodes the UTF-8 `text` in one pass, splitting lines at CR, LF and CRLF as canonical text
    /// does, and returns the length of the canonical (CRLF) text, which decides against base64.
    ///
    /// Output is at most 3 bytes per input byte plus a 3-byte soft break per 24 input bytes; that
    /// much is reserved up front so the loop writes through a raw pointer.
    static func write(_ text: UnsafeBufferPointer<UInt8>, into out: inout WireWriter) -> Int {
        guard let source = text.baseAddress, !text.isEmpty else { return 0 }
        var canonicalCount = 0
        out.appendInPlace(maximum: text.count * 3 + text.count / 8 + 3) { target in
            encode(source, count: text.count, into: target, canonicalCount: &canonicalCount)
        }
        return canonicalCount
    }

    /// The body's encoding into `target`, returning its length. Runs of bytes that go literally
    /// are copied whole; only the others go through the general rule.
    private static func encode(
        _ source: UnsafePointer<UInt8>, count: Int, into target: UnsafeMutablePointer<UInt8>, canonicalCount: inout Int
    ) -> Int {
        var written = 0
        var index = 0
        var column = 0
        var lineStart = 0
        var escapeFrom = startsWithFrom(source, at: 0, count: count)
        var breakBytes = 0
        var breaks = 0
        while true {
            // A run of bytes that go literally, up to but not including the line's last byte (whose
            // space or tab is escaped): the general rule below gives the same, byte by byte.
            var runEnd = index
            if index != lineStart || !escapeFrom {
                runEnd = literalRunEnd(source, from: index, count: count)
                if runEnd > index && (runEnd == count || isLineBreak(source[runEnd])) { runEnd &-= 1 }
            }
            while index < runEnd {
                if column == maximumLineLength - 1 {
                    softBreak(target, &written)
                    column = 0
                }
                let length = min(runEnd &- index, maximumLineLength - 1 &- column)
                (target + written).update(from: source + index, count: length)
                written &+= length
                column &+= length
                index &+= length
            }
            if index == count { break }

            let byte = source[index]
            if isLineBreak(byte) {
                target[written] = 0x0D
                target[written &+ 1] = 0x0A
                written &+= 2
                index &+= 1
                breakBytes &+= 1
                if byte == 0x0D && index < count && source[index] == 0x0A {
                    index &+= 1
                    breakBytes &+= 1
                }
                breaks &+= 1
                column = 0
                lineStart = index
                escapeFrom = startsWithFrom(source, at: index, count: count)
                continue
            }
            let isLast = index &+ 1 == count || isLineBreak(source[index &+ 1])
            let escaped = needsEscape(byte, isLast: isLast) || (escapeFrom && index == lineStart)
            let width = escaped ? 3 : 1
            // The last token may use column 76; others must leave room for the soft-break `=`.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if column &+ width > room {
                softBreak(target, &written)
                column = 0
            }
            if escaped {
                target[written] = UInt8(ascii: "=")
                target[written &+ 1] = Hex.digit(byte >> 4)
                target[written &+ 2] = Hex.digit(byte & 0x0F)
                written &+= 3
            } else {
                target[written] = byte
                written &+= 1
            }
            column &+= width
            index &+= 1
        }
        canonicalCount = count - breakBytes + 2 * breaks
        return written
    }

    @inline(__always)
    private static func softBreak(_ target: UnsafeMutablePointer<UInt8>, _ written: inout Int) {
        target[written] = UInt8(ascii: "=")
        target[written &+ 1] = 0x0D
        target[written &+ 2] = 0x0A
        written &+= 3
    }

    @inline(__always)
    private static func isLineBreak(_ byte: UInt8) -> Bool {
        byte == 0x0D || byte == 0x0A
    }

    /// True when the line starting at `index` begins with `From ` (which then contains no break).
    @inline(__always)
    private static func startsWithFrom(_ source: UnsafePointer<UInt8>, at index: Int, count: Int) -> Bool {
        index + 5 <= count && source[index] == UInt8(ascii: "F") && source[index + 1] == UInt8(ascii: "r")
            && source[index + 2] == UInt8(ascii: "o") && source[index + 3] == UInt8(ascii: "m")
            && source[index + 4] == UInt8(ascii: " ")
    }

    /// The end of the run of ``isLiteralInside(_:)`` bytes from `start`, eight bytes at a time
    /// where it can: a word of printable ASCII without `=` is found with four carry-free tests
    /// (any byte below 0x20, with the high bit, equal to 0x7F, equal to `=`); a tab ends the fast
    /// path and is taken by the byte loop.
    @inline(__always)
    private static func literalRunEnd(_ source: UnsafePointer<UInt8>, from start: Int, count: Int) -> Int {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        var end = start
        let raw = UnsafeRawPointer(source)
        while end &+ 8 <= count {
            let word = raw.loadUnaligned(fromByteOffset: end, as: UInt64.self)
            let below20 = (word &- ones &* 0x20) & ~word & highs
            let del = word ^ (ones &* 0x7F)
            let equals = word ^ (ones &* 0x3D)
            let zeroDel = (del &- ones) & ~del & highs
            let zeroEquals = (equals &- ones) & ~equals & highs
            if (below20 | (word & highs) | zeroDel | zeroEquals) != 0 { break }
            end &+= 8
        }
        while end < count && isLiteralInside(source[end]) { end &+= 1 }
        return end
    }

    /// Bytes written as they are when not at the end of a line: printable ASCII but `=`, space, tab.
    @inline(__always)
    private static func isLiteralInside(_ byte: UInt8) -> Bool {
        (byte &- 0x20 < 0x5F && byte != 0x3D) || byte == 0x09
    }

    /// Printable ASCII other than `=` goes literally; space and tab only when not at the end of a line.
    @inline(__always)
    private static func needsEscape(_ byte: UInt8, isLast: Bool) -> Bool {
        switch byte {
        case 0x20, 0x09: isLast
        case 0x3D: true
        case 0x21...0x7E: false
        default: true
        }
    }
}
