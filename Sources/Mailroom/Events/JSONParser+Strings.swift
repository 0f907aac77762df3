extension JSONParser {
    /// Parses a string starting at the opening quote.
    ///
    /// Strings without escapes are validated straight from the input buffer (the common case,
    /// and the one that must stay fast for a 1 MiB value); escapes switch to a copy.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let start = index
        index += 1
        var spanStart = index
        var unescaped: [UInt8] = []
        var sawEscape = false
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                let tail = UnsafeBufferPointer(rebasing: bytes[spanStart..<index])
                let text: String?
                if sawEscape {
                    unescaped.append(contentsOf: tail)
                    text = String(validating: unescaped, as: UTF8.self)
                } else {
                    text = String(validating: tail, as: UTF8.self)
                }
                guard let text else { throw fail("invalid UTF-8 in the string that starts at byte \(start + 1)") }
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") {
                if !sawEscape {
                    sawEscape = true
                    unescaped.reserveCapacity(index - spanStart + 16)
                }
                unescaped.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[spanStart..<index]))
                try parseEscape(into: &unescaped)
                spanStart = index
                continue
            }
            if byte < 0x20 {
                throw fail("a control character, \(SafeText.describe(Unicode.Scalar(byte))), must be escaped inside a string, at byte \(index + 1)")
            }
            index += 1
        }
        throw fail("the string that starts at byte \(start + 1) is not closed (truncated JSON?)")
    }

    /// Decodes one escape sequence (index at the backslash) and appends its UTF-8 bytes.
    private mutating func parseEscape(into out: inout [UInt8]) throws(JSONSyntaxError) {
        let start = index
        index += 1
        guard index < bytes.count else { throw truncated() }
        let code = bytes[index]
        index += 1
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(code)
        case UInt8(ascii: "b"): out.append(0x08)
        case UInt8(ascii: "f"): out.append(0x0C)
        case UInt8(ascii: "n"): out.append(0x0A)
        case UInt8(ascii: "r"): out.append(0x0D)
        case UInt8(ascii: "t"): out.append(0x09)
        case UInt8(ascii: "u"):
            let unit = try parseHex4(escapeStart: start)
            let scalarValue: UInt32
            switch unit {
            case 0xD800...0xDBFF:
                guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u") else {
                    throw fail("unpaired surrogate escape \\u\(Hex.padded(unit, width: 4)) at byte \(start + 1)")
                }
                index += 2
                let low = try parseHex4(escapeStart: index - 2)
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw fail("unpaired surrogate escape \\u\(Hex.padded(unit, width: 4)) at byte \(start + 1)")
                }
                scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
            case 0xDC00...0xDFFF:
                throw fail("unpaired surrogate escape \\u\(Hex.padded(unit, width: 4)) at byte \(start + 1)")
            default:
                scalarValue = UInt32(unit)
            }
            guard let scalar = Unicode.Scalar(scalarValue) else {
                throw fail("invalid \\u escape at byte \(start + 1)")
            }
            out.append(contentsOf: String(scalar).utf8)
        default:
            throw fail("invalid escape sequence (backslash followed by \(describeByte(at: index - 1))) at byte \(start + 1)")
        }
    }

    private mutating func parseHex4(escapeStart: Int) throws(JSONSyntaxError) -> UInt16 {
        guard index + 4 <= bytes.count else { throw truncated() }
        var value: UInt16 = 0
        for _ in 0..<4 {
            let byte = bytes[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw fail("invalid \\u escape at byte \(escapeStart + 1): expected 4 hexadecimal digits")
            }
            value = value << 4 | UInt16(digit)
            index += 1
        }
        return value
    }
}
