/// Base64 (RFC 2045 section 6.8) written out here so the bytes on the wire never depend on a platform.
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// The encoding of `bytes` on one line, with `=` padding.
    static func encode(_ bytes: [UInt8]) -> String {
        String(decoding: encodeBytes(bytes), as: UTF8.self)
    }

    /// A body in lines of 76 characters, each ending in CRLF except the last (the part delimiter or
    /// message end supplies that one).
    static func encodeBody(_ bytes: [UInt8]) -> [UInt8] {
        let flat = encodeBytes(bytes)
        var out: [UInt8] = []
        out.reserveCapacity(flat.count + flat.count / 38 + 2)
        var index = 0
        while index < flat.count {
            if index > 0 { out += [0x0D, 0x0A] }
            let end = min(index + 76, flat.count)
            out += flat[index..<end]
            index = end
        }
        return out
    }

    private static func encodeBytes(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            out.append(alphabet[Int(group >> 18 & 0x3F)])
            out.append(alphabet[Int(group >> 12 & 0x3F)])
            out.append(index + 1 < bytes.count ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
            out.append(index + 2 < bytes.count ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
            index += 3
        }
        return out
    }
}
