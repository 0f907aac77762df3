/// Quoted-printable (RFC 2045 section 6.7) for bodies that are mostly ASCII.
///
/// Input is canonical text: lines already split at CRLF (see ``BodyText``). Output lines are at most
/// 76 characters including the `=` of a soft break, trailing spaces and tabs are escaped so no
/// transport can strip them, and an `=XX` escape is never split across lines. A leading `.` is left
/// alone (the SMTP client dot-stuffs); a leading `From ` is escaped as `=46rom ` so mbox tools that
/// rewrite it to `>From ` cannot change the text.
enum QuotedPrintable {
    static let maximumLineLength = 76

    /// The encoded body; lines end in CRLF except the last (the part delimiter supplies that one).
    static func encode(lines: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        for (number, line) in lines.enumerated() {
            if number > 0 { out += [0x0D, 0x0A] }
            encode(line: line, into: &out)
        }
        return out
    }

    private static func encode(line: [UInt8], into out: inout [UInt8]) {
        let fromPrefix = Array("From ".utf8)
        var column = 0
        for (index, byte) in line.enumerated() {
            let isLast = index == line.count - 1
            let escapeFrom = index == 0 && line.starts(with: fromPrefix)
            let token: [UInt8] = needsEscape(byte, isLast: isLast) || escapeFrom
                ? [UInt8(ascii: "=")] + Hex.bytes(byte)
                : [byte]
            // The last token may use column 76; others must leave room for the soft-break `=`.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if column + token.count > room {
                out += [UInt8(ascii: "="), 0x0D, 0x0A]
                column = 0
            }
            out += token
            column += token.count
        }
    }

    /// Printable ASCII other than `=` goes literally; space and tab only when not at the end of a line.
    private static func needsEscape(_ byte: UInt8, isLast: Bool) -> Bool {
        switch byte {
        case 0x20, 0x09: isLast
        case 0x3D: true
        case 0x21...0x7E: false
        default: true
        }
    }
}
