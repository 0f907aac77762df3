/// Checks the links an event asks us to put in front of a customer (`cancel_url`, ...).
///
/// A link in an account-closure email is a phishing target, so the rules are narrow: scheme
/// `https` (any case), a host that is a DNS name or an IP literal, an optional port, no user
/// information (`https://bank.example@evil.example/` reads like the bank), and otherwise only
/// the characters RFC 3986 allows, with non-ASCII percent-encoded. Checked by hand rather than
/// with `URLComponents`, whose leniency differs between platforms.
enum HTTPSURL {
    static let maxLength = 2048

    static func problem(with url: String) -> FieldProblem? {
        var shown: String { SafeText.quoted(url, limit: 60) }  // only for a problem
        let bytes = Array(url.utf8)
        if bytes.isEmpty { return FieldProblem("expected an https URL, found an empty string") }
        if let bad = bytes.first(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            let what = bad >= 0x80 ? "non-ASCII characters (percent-encode them)"
                : bad == 0x20 ? "spaces" : "control characters"
            return FieldProblem("expected an https URL without \(what), found \(shown)")
        }
        let prefix = "https://".utf8
        guard bytes.count > prefix.count,
              zip(bytes, prefix).allSatisfy({ $0 | 0x20 == $1 })
        else {
            return FieldProblem("expected an https URL (https://host/...), found \(shown)")
        }
        let rest = bytes[prefix.count...]
        let authorityEnd = rest.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        if authority.contains(UInt8(ascii: "@")) {
            return FieldProblem("user information (user@host) is not allowed in a link, found \(shown)")
        }
        if let problem = authorityProblem(authority, shown: shown) { return problem }
        let tail = rest[authorityEnd...]
        var index = tail.startIndex
        while index < tail.endIndex {
            let byte = tail[index]
            if byte == UInt8(ascii: "%") {
                guard index + 2 < tail.endIndex, isHex(tail[index + 1]), isHex(tail[index + 2]) else {
                    return FieldProblem("a '%' must start a %XX escape in an https URL, found \(shown)")
                }
                index += 3
                continue
            }
            guard allowedAfterHost.contains(byte) else {
                return FieldProblem("expected an https URL, found the character '\(Character(Unicode.Scalar(byte)))' (percent-encode it) in \(shown)")
            }
            index += 1
        }
        return nil
    }

    private static func authorityProblem(_ authority: ArraySlice<UInt8>, shown: @autoclosure () -> String) -> FieldProblem? {
        var host = authority
        if authority.first == UInt8(ascii: "[") {
            guard let close = authority.firstIndex(of: UInt8(ascii: "]")) else {
                return FieldProblem("expected an https URL with a valid host, found \(shown())")
            }
            let literal = authority[(authority.startIndex + 1)..<close]
            let ipv6 = !literal.isEmpty && literal.allSatisfy { isHex($0) || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".") }
            if !ipv6 { return FieldProblem("expected an https URL with a valid IPv6 literal, found \(shown())") }
            if let problem = portProblem(authority[(close + 1)...], shown: shown()) { return problem }
            return nil
        }
        if let colon = authority.firstIndex(of: UInt8(ascii: ":")) {
            host = authority[..<colon]
            if let problem = portProblem(authority[colon...], shown: shown()) { return problem }
        }
        let labels = host.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid = !host.isEmpty && host.count <= 253 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.first != UInt8(ascii: "-") && label.last != UInt8(ascii: "-")
                && label.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
        return valid ? nil : FieldProblem("expected an https URL with a host name such as example.com, found \(shown())")
    }

    /// Empty, or `:` followed by 1-65535.
    private static func portProblem(_ text: ArraySlice<UInt8>, shown: @autoclosure () -> String) -> FieldProblem? {
        if text.isEmpty { return nil }
        let digits = text.dropFirst()
        guard text.first == UInt8(ascii: ":"), !digits.isEmpty, digits.count <= 5,
              digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              let port = Int(String(decoding: digits, as: UTF8.self)), (1...65535).contains(port)
        else { return FieldProblem("expected an https URL with a port between 1 and 65535, found \(shown())") }
        return nil
    }

    /// RFC 3986 unreserved, sub-delims, `:`, `@`, `/`, `?`, `#`; `%` is handled separately.
    private static let allowedAfterHost: Set<UInt8> = Set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@/?#".utf8
    )

    private static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x66)
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || ((byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A)
    }
}
