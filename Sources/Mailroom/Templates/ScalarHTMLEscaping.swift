/// HTML escaping of template data by Unicode scalar.
///
/// HTML parsers read scalars, so escaping must too: escaping by `Character` would leave a `<`
/// that shares a grapheme cluster with its neighbour (U+0600, a prepended mark, before `<` makes
/// `؀<` one `Character`) as a real tag, and a combining mark after `"` would end an attribute.
package enum ScalarHTMLEscaping {
    /// Appends `text` with `&`, `<`, `>`, `"` and `'` escaped. The five are ASCII, and in UTF-8 an
    /// ASCII byte is always a whole scalar, so escaping bytes is escaping scalars; runs without a
    /// special byte are copied whole.
    package static func append(_ text: String, to output: inout String) {
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
