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
        out.reserveCapacity(lines.reduce(0) { $0 + $1.count + 2 } * 11 / 10)
        for (number, line) in lines.enumerated() {
            if number > 0 { out += [0x0D, 0x0A] }
            encode(line: line, into: &out)
        }
        return out
    }

    /// Appends straight into `out`: no array per byte or per line (an earlier version built a
    /// token array for every byte, which was a seventh of the render time).
    private static func encode(line: [UInt8], into out: inout [UInt8]) {
        let escapeFrom = line.starts(with: fromPrefix)
        var column = 0
        for index in line.indices {
            let byte = line[index]
            let isLast = index == line.count - 1
            let escaped = needsEscape(byte, isLast: isLast) || (escapeFrom && index == 0)
            let width = escaped ? 3 : 1
            // The last token may use column 76; others must leave room for the soft-break `=`.
            let room = isLast ? maximumLineLength : maximumLineLength - 1
            if column + width > room {
                out.append(UInt8(ascii: "="))
                out.append(0x0D)
                out.append(0x0A)
                column = 0
            }
            if escaped {
                out.append(UInt8(ascii: "="))
                out.append(hexDigits[Int(byte >> 4)])
                out.append(hexDigits[Int(byte & 0x0F)])
            } else {
                out.append(byte)
            }
            column += width
        }
    }

    private static let fromPrefix: [UInt8] = Array("From ".utf8)
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

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
