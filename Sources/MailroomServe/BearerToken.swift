/// The token `Authorization: Bearer ...` must carry.
///
/// Compared in time that does not depend on where the given token first differs, so that the
/// token cannot be guessed a byte at a time from response times. The token is never logged: this
/// type has no description that shows it.
struct BearerToken: Sendable, CustomStringConvertible {
    private let expected: [UInt8]

    init?(_ token: String) {
        guard !token.isEmpty else { return nil }
        expected = Array(token.utf8)
    }

    /// True when `header` (an `Authorization` value) is `Bearer <the token>`.
    func accepts(_ header: String?) -> Bool {
        guard let header else { return false }
        let bytes = Array(header.utf8)
        let scheme = Array("bearer ".utf8)
        guard bytes.count > scheme.count, zip(bytes, scheme).allSatisfy({ $0 | 0x20 == $1 }) else { return false }
        let given = bytes[scheme.count...]
        var difference: UInt8 = given.count == expected.count ? 0 : 1
        for (index, byte) in expected.enumerated() {
            let position = given.startIndex + index
            difference |= byte ^ (position < given.endIndex ? given[position] : 0)
        }
        return difference == 0
    }

    var description: String { "BearerToken(<redacted>)" }
}
