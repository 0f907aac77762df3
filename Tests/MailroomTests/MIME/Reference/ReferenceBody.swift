@testable import Mailroom

// The pre-optimisation MIME writer, kept verbatim as the oracle for the differential tests.
// Copied from Sources/Mailroom/MIME and Addressing at commit 7b6c9bd (before issue #4's byte-level
// rewrite); only wrapped in the `ReferenceMIME` namespace. Do not "improve" it: its job is to be the
// old behaviour, byte for byte and error for error.
extension ReferenceMIME {
    /// A text body in canonical form (RFC 2045 section 2.10): UTF-8 split into lines at CRLF.
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
}

extension ReferenceMIME {
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
}

extension ReferenceMIME {
    /// Base64 (RFC 2045 section 6.8) written out here so the bytes on the wire never depend on a platform.
    enum Base64 {
        private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

        /// The encoding of `bytes` on one line, with `=` padding.
        static func encode(_ bytes: [UInt8]) -> String {
            String(decoding: encodeBytes(bytes), as: UTF8.self)
        }

        /// A body in lines of 76 characters, each ending in CRLF except the last (the part delimiter or
        /// message end supplies that one).
        static func encodeBody(_ bytes: [UInt8]) -> [UInt8] {
            let flat = encodeBytes(bytes)
            var out: [UInt8] = []
            out.reserveCapacity(flat.count + flat.count / 38 + 2)
            var index = 0
            while index < flat.count {
                if index > 0 { out += [0x0D, 0x0A] }
                let end = min(index + 76, flat.count)
                out += flat[index..<end]
                index = end
            }
            return out
        }

        private static func encodeBytes(_ bytes: [UInt8]) -> [UInt8] {
            var out: [UInt8] = []
            out.reserveCapacity((bytes.count + 2) / 3 * 4)
            var index = 0
            while index < bytes.count {
                let b0 = UInt32(bytes[index])
                let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
                let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
                let group = b0 << 16 | b1 << 8 | b2
                out.append(alphabet[Int(group >> 18 & 0x3F)])
                out.append(alphabet[Int(group >> 12 & 0x3F)])
                out.append(index + 1 < bytes.count ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
                out.append(index + 2 < bytes.count ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
                index += 3
            }
            return out
        }
    }
}

extension ReferenceMIME {
    /// One `text/*; charset=utf-8` body part, encoded for a 7-bit transport.
    ///
    /// The transfer encoding is whichever of quoted-printable and base64 is shorter for this body:
    /// mostly-ASCII text stays readable as quoted-printable, while CJK or emoji-heavy text, which
    /// quoted-printable would triple, goes as base64. Either way every line is short and 7-bit.
    struct TextPart: Sendable, Equatable {
        enum TransferEncoding: String, Sendable {
            case quotedPrintable = "quoted-printable"
            case base64
        }

        /// The media subtype: `plain` or `html`.
        let subtype: String
        let transferEncoding: TransferEncoding
        /// The encoded body, lines separated by CRLF, without a final line break.
        let encodedBody: [UInt8]

        init(subtype: String, text: String) {
            let body = BodyText(text)
            let quoted = QuotedPrintable.encode(lines: body.lines)
            let base64 = Base64.encodeBody(body.canonicalBytes)
            self.subtype = subtype
            if base64.count < quoted.count {
                transferEncoding = .base64
                encodedBody = base64
            } else {
                transferEncoding = .quotedPrintable
                encodedBody = quoted
            }
        }

        /// The part's header fields.
        var headerFields: [HeaderField] {
            [
                HeaderField(name: "Content-Type", tokens: ["text/\(subtype);", "charset=utf-8"]),
                HeaderField(name: "Content-Transfer-Encoding", tokens: [transferEncoding.rawValue]),
            ]
        }

        /// Headers, blank line and body; the caller writes the CRLF that precedes the next delimiter.
        var bytes: [UInt8] {
            var out: [UInt8] = []
            for field in headerFields { out += Array(field.rendered.utf8) }
            out += [0x0D, 0x0A]
            out += encodedBody
            return out
        }
    }
}
