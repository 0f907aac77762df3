/// Upper-case hexadecimal for `=XX` escapes (RFC 2045 requires upper case in quoted-printable).
enum Hex {
    static func byte(_ byte: UInt8) -> String {
        String(decoding: bytes(byte), as: UTF8.self)
    }

    static func bytes(_ byte: UInt8) -> [UInt8] {
        [digit(byte >> 4), digit(byte & 0x0F)]
    }

    /// The upper-case digit for `nibble` (0-15).
    @inline(__always)
    static func digit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "A") - 10 + nibble
    }
}
