/// Upper-case hexadecimal for `=XX` escapes (RFC 2045 requires upper case in quoted-printable).
enum Hex {
    private static let digits = Array("0123456789ABCDEF".utf8)

    static func byte(_ byte: UInt8) -> String {
        String(decoding: bytes(byte), as: UTF8.self)
    }

    static func bytes(_ byte: UInt8) -> [UInt8] {
        [digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
    }
}
