/// FNV-1a (64-bit): a small hash that is the same in every process and on every platform.
///
/// Used for Message-IDs and boundaries, which must be identical when a message is composed again.
/// Swift's `hashValue` is seeded per process, and CryptoKit is not available on Linux; collisions
/// here only cost uniqueness of an id that also carries the event id in clear.
struct StableHash: Sendable {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    init() {}

    /// Mixes in the UTF-8 of `text`, then a 0xFF separator (never in UTF-8) so ("ab","c") != ("a","bc").
    mutating func combine(_ text: String) {
        for byte in text.utf8 { mix(byte) }
        mix(0xFF)
    }

    private mutating func mix(_ byte: UInt8) {
        value ^= UInt64(byte)
        value = value &* 0x0000_0100_0000_01B3
    }

    /// The value as 16 lower-case hexadecimal digits.
    var hex: String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// The hash of several strings in order.
    static func hex(of parts: String...) -> String {
        var hash = StableHash()
        for part in parts { hash.combine(part) }
        return hash.hex
    }
}
