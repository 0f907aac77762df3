/// Checks that keep header values on one logical line, whatever the caller passes.
///
/// Events are validated long before they reach the MIME writer, but the writer is the last place that
/// can stop a header injection (`Subject: x\r\nBcc: victim`), so it checks again: defence in depth.
enum HeaderValueCheck {
    /// True for characters that must never reach a header value: C0 controls (tab included), DEL,
    /// C1 controls, and U+2028/U+2029, which some readers treat as line breaks.
    static func isForbidden(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: return true
        default: return false
        }
    }

    /// Throws ``MessageError/Code/controlCharacter`` when `value` holds a forbidden character.
    static func requireNoControls(_ value: String, field: String) throws(MessageError) {
        if hasForbidden(value) { try refuseControls(value, field: field) }
    }

    /// The same check with the field named by two parts, so the name is only joined when refusing.
    static func requireNoControls(_ value: String, field: String, _ fieldSuffix: String) throws(MessageError) {
        if hasForbidden(value) { try refuseControls(value, field: field + fieldSuffix) }
    }

    /// True when `value` holds a character ``isForbidden(_:)`` refuses, decided on the UTF-8 bytes:
    /// C0 and DEL are single bytes, C1 is `C2 80`-`C2 9F`, U+2028/U+2029 are `E2 80 A8`/`E2 80 A9`.
    /// A `String` always holds valid UTF-8, so the byte patterns are exact.
    static func hasForbidden(_ value: String) -> Bool {
        value.withUTF8Bytes { bytes in
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte < 0x20 || byte == 0x7F { return true }
                if byte == 0xC2 && bytes[index + 1] <= 0x9F { return true }
                if byte == 0xE2 && bytes[index + 1] == 0x80 && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) {
                    return true
                }
                index += 1
            }
            return false
        }
    }

    private static func refuseControls(_ value: String, field: String) throws(MessageError) {
        if let bad = value.unicodeScalars.first(where: isForbidden) {
            throw MessageError.refusing(
                .controlCharacter, field: field, value: value,
                because: "control character \(Hex.codePoint(bad)) is not allowed in a header value; "
                    + "remove line breaks and control characters before composing"
            )
        }
    }

    /// `value` in double quotes with control and separator characters shown as `\u{..}`, so an error
    /// message never carries a raw line break into a log.
    static func visible(_ value: String, limit: Int = 120) -> String {
        var out = "\""
        var count = 0
        for scalar in value.unicodeScalars {
            if count == limit { out += "..."; break }
            count += 1
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where isForbidden(scalar): out += Hex.escape(scalar)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// True when every byte is printable ASCII (0x20-0x7E).
    static func isPrintableASCII(_ value: String) -> Bool {
        value.withUTF8Bytes { bytes in !bytes.contains { $0 < 0x20 || $0 > 0x7E } }
    }
}
