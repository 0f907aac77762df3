/// Renders untrusted input for error messages: shortened, quoted, with invisible characters escaped.
///
/// Rejected values end up in terminals, logs and the outbox's `rejected` records. A value is
/// shown only as a short prefix, and control, format and separator characters are written as
/// `\u{...}` so that a hostile event cannot forge log lines, move a terminal's cursor or hide
/// text behind bidirectional overrides.
package enum SafeText {
    /// `"value"` with escapes, or `"first 40 scalars…" (1234567 bytes)` when too long
    /// (without the size when `showSize` is false, for messages that already give it).
    package static func quoted(_ text: String, limit: Int = 40, showSize: Bool = true) -> String {
        var out = "\""
        var shown = 0
        var truncated = false
        // Scalars, not Characters: one Character can hold megabytes of combining marks.
        for scalar in text.unicodeScalars {
            if shown == limit {
                truncated = true
                break
            }
            shown += 1
            out += escaped(scalar)
        }
        if truncated { out += "…" }
        out += "\""
        if truncated && showSize { out += " (\(text.utf8.count) bytes)" }
        return out
    }

    /// A scalar as written in a message: itself when visible, else `\u{XXXX}`.
    static func escaped(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\"": return "\\\""
        case "\\": return "\\\\"
        default: break
        }
        if isInvisible(scalar) {
            return Hex.escape(scalar)
        }
        return String(scalar)
    }

    /// Control (C0, C1, DEL), format (bidi overrides, zero-width), separator (U+2028/9),
    /// private-use, surrogate and unassigned scalars.
    static func isInvisible(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .surrogate, .unassigned:
            true
        default:
            false
        }
    }

    /// The first problem character of `text` that a single-line text field may not hold:
    /// C0 (including tab, CR, LF, NUL), DEL, C1, or a line or paragraph separator.
    /// Returns a description such as `U+000A (line feed)` for the error message.
    static func forbiddenCharacter(in text: String) -> String? {
        guard holdsForbidden(text) else { return nil }
        for scalar in text.unicodeScalars where isForbiddenInLine(scalar) {
            return describe(scalar)
        }
        return nil
    }

    /// Whether `text` holds a scalar ``isForbiddenInLine(_:)`` refuses, decided on the UTF-8 bytes
    /// (`00`-`1F`, `7F`, `C2 80`-`C2 9F`, `E2 80 A8`, `E2 80 A9`) without decoding scalars. A
    /// `String` always holds valid UTF-8, so the byte patterns are exact.
    static func holdsForbidden(_ text: String) -> Bool {
        text.withUTF8Bytes { bytes in
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

    /// What must never reach a single line of text (a header value, a subject, a log line): C0
    /// controls (tab included), DEL, C1 controls, and U+2028/U+2029, the only scalars of the line and
    /// paragraph separator categories, which some readers treat as line breaks.
    static func isForbiddenInLine(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029: true
        default: false
        }
    }

    /// `U+000D (carriage return)`; the names cover what people actually send by mistake.
    static func describe(_ scalar: Unicode.Scalar) -> String {
        let code = Hex.codePoint(scalar)
        let name: String? = switch scalar.value {
        case 0x00: "NUL"
        case 0x09: "tab"
        case 0x0A: "line feed"
        case 0x0D: "carriage return"
        case 0x1B: "escape"
        case 0x7F: "delete"
        case 0x85: "next line"
        case 0x2028: "line separator"
        case 0x2029: "paragraph separator"
        default: nil
        }
        return name.map { "\(code) (\($0))" } ?? code
    }
}
