/// Turns an event id into the name of its message directory.
///
/// Contract ids (`A-Za-z0-9._:-`, 1-128 characters) map to themselves, except that a leading `.`
/// becomes `%2E` so that `.`, `..` and dot-names can neither escape `messages/` nor hide from `ls`.
/// Any other byte (including `/` and `%`) is percent-encoded too, so the mapping stays injective and
/// safe even for ids that validation should have refused. Names longer than 255 bytes are refused.
public enum OutboxKey {
    /// The longest file name Linux filesystems accept.
    static let maximumLength = 255

    /// The directory name for `eventID`.
    public static func make(for eventID: String) throws(OutboxError) -> String {
        let bytes = Array(eventID.utf8)
        guard !bytes.isEmpty else {
            throw OutboxError(code: .invalidEventID, message: "an empty event id cannot name a message")
        }
        var key: [UInt8] = []
        key.reserveCapacity(bytes.count + 2)
        for (index, byte) in bytes.enumerated() {
            if isKept(byte) && !(index == 0 && byte == UInt8(ascii: ".")) {
                key.append(byte)
            } else {
                key.append(UInt8(ascii: "%"))
                key.append(hexDigit(byte >> 4))
                key.append(hexDigit(byte & 0x0F))
            }
        }
        guard key.count <= maximumLength else {
            throw OutboxError(
                code: .invalidEventID,
                message: "event id \(eventID.prefix(64))... is too long to name a message (\(key.count) bytes as a key)")
        }
        return String(decoding: key, as: UTF8.self)
    }

    private static func isKept(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: ":"), UInt8(ascii: "-"):
            true
        default:
            false
        }
    }

    private static func hexDigit(_ value: UInt8) -> UInt8 {
        value < 10 ? UInt8(ascii: "0") + value : UInt8(ascii: "A") + value - 10
    }
}
