import Mustache

/// HTML escaping of template data by Unicode scalar, registered with swift-mustache under
/// ``contentTypeName`` and set on every HTML template by the catalog.
///
/// swift-mustache's own `HTML` content type escapes by `Character`: a special character that
/// shares a grapheme cluster with its neighbour is left as it is. U+0600 (a prepended mark) before
/// `<` makes `؀<` one `Character`, so `؀<b>` from an event reached the HTML part as a real tag; a
/// combining mark after `"` would likewise end an attribute value. HTML parsers read scalars, so we
/// escape scalars.
struct ScalarHTMLEscaping: MustacheContentType {
    /// The name used in the `{{% CONTENT_TYPE: ...}}` pragma the catalog puts in front of HTML files.
    static let contentTypeName = "MAILROOM_SCALAR_HTML"

    /// Registers the content type once, before the first HTML template is compiled (the pragma is
    /// resolved at parse time). Swift runs a static initialiser exactly once, thread-safely.
    static let registered: Bool = {
        MustacheContentTypes.register(ScalarHTMLEscaping(), named: contentTypeName)
        return true
    }()

    func escapeText(_ text: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": escaped.append(contentsOf: "&amp;".unicodeScalars)
            case "<": escaped.append(contentsOf: "&lt;".unicodeScalars)
            case ">": escaped.append(contentsOf: "&gt;".unicodeScalars)
            case "\"": escaped.append(contentsOf: "&quot;".unicodeScalars)
            case "'": escaped.append(contentsOf: "&#39;".unicodeScalars)
            default: escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// Appends `text` escaped exactly as ``escapeText(_:)`` does, for ``TemplateProgram``. The five special characters are ASCII, and in UTF-8 an ASCII byte
    /// is always a whole scalar, so escaping bytes is escaping scalars; runs without a special
    /// byte are copied whole.
    static func append(_ text: String, to output: inout String) {
        let utf8 = text.utf8
        // Most values have nothing to escape: one scan of the bytes, then one append.
        let clean = utf8.withContiguousStorageIfAvailable { bytes in
            !bytes.contains { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }
        }
        if clean == true {
            output += text
            return
        }
        var runStart = utf8.startIndex
        var index = runStart
        while index != utf8.endIndex {
            let entity: String
            switch utf8[index] {
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&#39;"
            default:
                utf8.formIndex(after: &index)
                continue
            }
            output += text[runStart..<index]
            output += entity
            utf8.formIndex(after: &index)
            runStart = index
        }
        if runStart == utf8.startIndex {
            output += text
        } else {
            output += text[runStart..<utf8.endIndex]
        }
    }
}
