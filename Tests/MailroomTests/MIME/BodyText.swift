@testable import Mailroom

/// Test helper: a text body in canonical form (RFC 2045 section 2.10), UTF-8 split into lines at
/// CRLF, as the pre-byte-level writer made it; the tests feed its lines to
/// `QuotedPrintable.encode(lines:)` (production splits while encoding, in one pass).
///
/// Templates produce `\n` line ends, but a stray `\r` or `\r\n` must not become a bare CR on the
/// wire, so every CR, LF and CRLF counts as one line break.
struct BodyText: Sendable, Equatable {
    /// The lines without their line breaks; a text ending in a line break ends with an empty line.
    let lines: [[UInt8]]

    init(_ text: String) {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var afterCR = false
        for byte in text.utf8 {
            if afterCR {
                afterCR = false
                if byte == 0x0A { continue }
            }
            switch byte {
            case 0x0D:
                lines.append(current)
                current.removeAll(keepingCapacity: true)
                afterCR = true
            case 0x0A:
                lines.append(current)
                current.removeAll(keepingCapacity: true)
            default:
                current.append(byte)
            }
        }
        lines.append(current)
        self.lines = lines
    }

    /// The canonical bytes: the lines joined with CRLF.
    var canonicalBytes: [UInt8] {
        var out: [UInt8] = []
        for (number, line) in lines.enumerated() {
            if number > 0 { out += [0x0D, 0x0A] }
            out += line
        }
        return out
    }
}
