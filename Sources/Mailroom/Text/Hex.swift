/// Upper-case hexadecimal, written one way everywhere: quoted-printable and Q escapes (RFC 2045
/// requires upper case), `U+XXXX` code points and `0xNN` bytes in error messages.
enum Hex {
    /// The upper-case digit for `nibble` (0-15).
    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") - 10 + nibble
    }

    /// `value` in upper case with at least `width` digits: `0D`, `000D`, `1F600`.
    static func padded(_ value: some BinaryInteger, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// `U+000D`, `U+1F600`: a scalar as the Unicode standard names it.
    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        "U+" + padded(scalar.value, width: 4)
    }

    /// `\u{D}`: a scalar as a Swift or JSON-minded reader writes an invisible one in quoted text.
    static func escape(_ scalar: Unicode.Scalar) -> String {
        "\\u{" + padded(scalar.value, width: 1) + "}"
    }
}
