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
