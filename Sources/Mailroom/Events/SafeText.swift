/// Renders untrusted input for error messages: shortened, quoted, with invisible characters escaped.
///
/// Rejected values end up in terminals, logs and the outbox's `rejected` records. A value is
/// shown only as a short prefix, and control, format and separator characters are written as
/// `\u{...}` so that a hostile event cannot forge log lines, move a terminal's cursor or hide
/// text behind bidirectional overrides.
enum SafeText {
    /// `"value"` with escapes, or `"first 40 scalars…" (1234567 bytes)` when too long
    /// (without the size when `showSize` is false, for messages that already give it).
    static func quoted(_ text: String, limit: Int = 40, showSize: Bool = true) -> String {
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
        guard mayHoldForbidden(text) else { return nil }
        for scalar in text.unicodeScalars where isForbiddenInLine(scalar) {
            return describe(scalar)
        }
        return nil
    }

    /// False when the UTF-8 bytes hold none of the encodings ``isForbiddenInLine(_:)`` looks for
    /// (`00`-`1F`, `7F`, `C2 80`-`C2 9F`, `E2 80 A8`, `E2 80 A9`): the common case, decided without
    /// decoding scalars or looking up their categories.
    static func mayHoldForbidden(_ text: String) -> Bool {
        var previous: UInt8 = 0
        var beforePrevious: UInt8 = 0
        for byte in text.utf8 {
            if byte < 0x20 || byte == 0x7F { return true }
            if previous == 0xC2 && byte >= 0x80 && byte <= 0x9F { return true }
            if beforePrevious == 0xE2 && previous == 0x80 && (byte == 0xA8 || byte == 0xA9) { return true }
            beforePrevious = previous
            previous = byte
        }
        return false
    }

    static func isForbiddenInLine(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 0x20 || value == 0x7F || (value >= 0x80 && value <= 0x9F) { return true }
        switch scalar.properties.generalCategory {
        case .lineSeparator, .paragraphSeparator: return true
        default: return false
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
