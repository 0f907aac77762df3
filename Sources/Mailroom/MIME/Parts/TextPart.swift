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

    /// The part on its own (the composer writes parts straight into the message with ``write``).
    init(subtype: String, text: String) {
        var out = WireWriter(capacity: text.utf8.count * 2 + 128)
        let body = text.withUTF8Bytes { Self.write(subtype: subtype, text: $0, into: &out) }
        self.subtype = subtype
        transferEncoding = body.encoding
        encodedBody = out.bytes(in: body.range)
    }

    /// Writes the part's header fields, the blank line and the encoded body (without a final CRLF;
    /// the caller writes the one that precedes the next delimiter). Returns where the body is.
    ///
    /// Quoted-printable is written first and its length compared with base64's, which follows from
    /// the canonical length alone; only when base64 is shorter is the body rewritten as base64.
    static func write(
        subtype: String, text: UnsafeBufferPointer<UInt8>, into out: inout WireWriter
    ) -> (range: Range<Int>, encoding: TransferEncoding) {
        out.append("Content-Type: text/")
        out.append(subtype)
        out.append("; charset=utf-8\r\n")
        let encodingField = out.count
        out.append("Content-Transfer-Encoding: quoted-printable\r\n\r\n")
        let quotedStart = out.count
        let canonicalCount = QuotedPrintable.write(text, into: &out)
        if Base64.bodyLength(canonicalCount) >= out.count - quotedStart {
            return (quotedStart..<out.count, .quotedPrintable)
        }
        out.truncate(to: encodingField)
        out.append("Content-Transfer-Encoding: base64\r\n\r\n")
        let base64Start = out.count
        out.append(Base64.encodeBody(canonical(text)))
        return (base64Start..<out.count, .base64)
    }

    /// The text with every CR, LF and CRLF as CRLF (canonical text, RFC 2045 section 2.10).
    private static func canonical(_ text: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.count + text.count / 8 + 2)
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            if byte == 0x0D || byte == 0x0A {
                out.append(0x0D)
                out.append(0x0A)
                if byte == 0x0D && index < text.count && text[index] == 0x0A { index += 1 }
            } else {
                out.append(byte)
            }
        }
        return out
    }
}
