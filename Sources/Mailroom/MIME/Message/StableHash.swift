/// FNV-1a (64-bit): a small hash that is the same in every process and on every platform.
///
/// Used for Message-IDs and boundaries, which must be identical when a message is composed again.
/// Swift's `hashValue` is seeded per process, and CryptoKit is not available on Linux; collisions
/// here only cost uniqueness of an id that also carries the event id in clear.
package struct StableHash: Sendable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    package init() {}

    /// Mixes in the UTF-8 of `text`, then a 0xFF separator (never in UTF-8) so ("ab","c") != ("a","bc").
    package mutating func combine(_ text: String) {
        text.withUTF8Bytes { combine($0) }
    }

    /// Mixes in `bytes`, then the 0xFF separator, as combining text does.
    mutating func combine(_ bytes: UnsafeBufferPointer<UInt8>) {
        for byte in bytes { mix(byte) }
        mix(0xFF)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01B3
    }

    /// The value as 16 lower-case hexadecimal digits.
    package var hex: String {
        var out = WireWriter(capacity: 16)
        writeHex(into: &out)
        return String(decoding: out.bytes(), as: UTF8.self)
    }

    /// Appends ``hex``'s 16 digits.
    func writeHex(into out: inout WireWriter) {
        var shift: UInt64 = 60
        while true {
            let nibble = UInt8(truncatingIfNeeded: value >> shift) & 0x0F
            out.append(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") - 10 + nibble)
            if shift == 0 { return }
            shift -= 4
        }
    }

    /// The hash of several strings in order.
    static func hex(of parts: String...) -> String {
        var hash = StableHash()
        for part in parts { hash.combine(part) }
        return hash.hex
    }
}
