/// Base64 (RFC 2045 section 6.8) written out here so the bytes on the wire never depend on a platform.
enum Base64 {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    static let lineLength = 76

    /// The encoding of `bytes` on one line, with `=` padding.
    static func encode(_ bytes: [UInt8]) -> String {
        var out = WireWriter(capacity: (bytes.count + 2) / 3 * 4)
        bytes.withUnsafeBufferPointer { write($0, into: &out) }
        return String(decoding: out.bytes(), as: UTF8.self)
    }

    /// A body in lines of 76 characters, each ending in CRLF except the last (the part delimiter or
    /// message end supplies that one).
    static func encodeBody(_ bytes: [UInt8]) -> [UInt8] {
        var out = WireWriter(capacity: bodyLength(bytes.count))
        bytes.withUnsafeBufferPointer { writeBody($0, into: &out) }
        return out.bytes()
    }

    /// The length of ``encodeBody(_:)``'s result for `count` input bytes, without encoding them.
    static func bodyLength(_ count: Int) -> Int {
        let flat = (count + 2) / 3 * 4
        return flat == 0 ? 0 : flat + 2 * ((flat - 1) / lineLength)
    }

    /// Appends the one-line encoding of `bytes`.
    static func write(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout WireWriter) {
        out.reserve((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            writeGroup(bytes, at: index, into: &out)
            index += 3
        }
    }

    /// Appends `bytes` as a body: 76 characters (19 groups) per line, lines joined by CRLF.
    static func writeBody(_ bytes: UnsafeBufferPointer<UInt8>, into out: inout WireWriter) {
        out.reserve(bodyLength(bytes.count))
        var index = 0
        var groupsOnLine = 0
        while index < bytes.count {
            if groupsOnLine == lineLength / 4 {
                out.append(0x0D)
                out.append(0x0A)
                groupsOnLine = 0
            }
            writeGroup(bytes, at: index, into: &out)
            groupsOnLine += 1
            index += 3
        }
    }

    @inline(__always)
    private static func writeGroup(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, into out: inout WireWriter) {
        let b0 = UInt32(bytes[index])
        let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
        let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
        let group = b0 << 16 | b1 << 8 | b2
        out.append(alphabet[Int(group >> 18 & 0x3F)])
        out.append(alphabet[Int(group >> 12 & 0x3F)])
        out.append(index + 1 < bytes.count ? alphabet[Int(group >> 6 & 0x3F)] : UInt8(ascii: "="))
        out.append(index + 2 < bytes.count ? alphabet[Int(group & 0x3F)] : UInt8(ascii: "="))
    }
}
