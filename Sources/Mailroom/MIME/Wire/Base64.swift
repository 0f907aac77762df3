import Foundation

/// Base64 (RFC 2045 section 6.8) as MIME writes it, by Foundation.
enum Base64 {
    static let lineLength = 76

    /// The encoding of `bytes` on one line, with `=` padding: an encoded word's payload.
    static func encode(_ bytes: UnsafeBufferPointer<UInt8>) -> String {
        Data(buffer: bytes).base64EncodedString()
    }

    /// A body in lines of 76 characters, each ending in CRLF except the last (the part delimiter
    /// or message end supplies that one).
    static func encodeBody(_ bytes: [UInt8]) -> String {
        // Both line-end options together are CRLF; stated, not left to the default.
        Data(bytes).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
    }

    /// The length of ``encodeBody(_:)``'s result for `count` input bytes, without encoding them:
    /// how a part decides between quoted-printable and base64 before writing either.
    static func bodyLength(_ count: Int) -> Int {
        let flat = (count + 2) / 3 * 4
        return flat == 0 ? 0 : flat + 2 * ((flat - 1) / lineLength)
    }
}
