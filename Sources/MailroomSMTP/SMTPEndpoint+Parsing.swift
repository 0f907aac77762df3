#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension SMTPEndpoint {
    /// Parses an operator-supplied SMTP URL; throws ``SMTPConfigurationError`` naming what is wrong.
    ///
    /// Accepted: `smtp://host[:port][/][?tls=starttls|none]` and `smtps://host[:port][/]`. Refused:
    /// other schemes, user information (credentials belong in the settings, where they are kept
    /// out of logs), paths, fragments, unknown parameters, and the well-known ports used with the
    /// wrong kind of TLS (libcurl would only time out on those).
    public init(url text: String) throws(SMTPConfigurationError) {
        let shown = "'\(text)'"
        guard let schemeEnd = text.range(of: "://") else {
            throw SMTPConfigurationError(.invalidURL, "expected smtp://host[:port] or smtps://host[:port], found \(shown)")
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "smtp" || scheme == "smtps" else {
            throw SMTPConfigurationError(.unsupportedScheme, "unsupported scheme '\(scheme)' in \(shown); use smtp:// (STARTTLS) or smtps:// (implicit TLS)")
        }
        var rest = Substring(text[schemeEnd.upperBound...])
        if rest.contains("#") {
            throw SMTPConfigurationError(.invalidURL, "a fragment (#...) has no meaning in an SMTP URL: \(shown)")
        }
        var query: Substring?
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            if rest.index(after: slash) != rest.endIndex {
                throw SMTPConfigurationError(.invalidURL, "an SMTP URL has no path, found '\(rest[slash...])' in \(shown)")
            }
        }
        if authority.contains("@") {
            throw SMTPConfigurationError(.credentialsInURL, "the URL must not contain user information (user:password@); give smtp.username and MAILROOM_SMTP_PASSWORD instead")
        }
        let (host, portText) = try Self.splitHostPort(authority, shown: shown)
        let requested = try Self.tlsParameter(query, scheme: scheme, shown: shown)

        let security: Security
        if scheme == "smtps" {
            security = .implicitTLS
        } else if let requested {
            security = requested
        } else {
            security = Self.isLoopbackHost(host) ? .plaintext : .startTLS
        }
        var port = security == .implicitTLS ? 465 : 587
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let value = Int(portText), (1...65535).contains(value) else {
                throw SMTPConfigurationError(.invalidPort, "expected a port between 1 and 65535, found '\(portText)' in \(shown)")
            }
            port = value
        }
        if security == .implicitTLS && (port == 25 || port == 587) {
            throw SMTPConfigurationError(.portMismatch, "port \(port) speaks plain SMTP first, but smtps:// starts with TLS; use smtp://\(authority) (STARTTLS) or port 465")
        }
        if security != .implicitTLS && port == 465 {
            throw SMTPConfigurationError(.portMismatch, "port 465 expects TLS from the first byte, but smtp:// starts in plain text; use smtps://\(authority)")
        }
        self.init(host: host, port: port, security: security)
    }

    private static func splitHostPort(_ authority: Substring, shown: String) throws(SMTPConfigurationError) -> (String, String?) {
        var host: Substring
        var portText: String?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw SMTPConfigurationError(.invalidURL, "unterminated IPv6 literal in \(shown)")
            }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else {
                    throw SMTPConfigurationError(.invalidURL, "unexpected '\(after)' after the IPv6 literal in \(shown)")
                }
                portText = String(after.dropFirst())
            }
            guard parseIPv6(String(host)) != nil else {
                throw SMTPConfigurationError(.invalidURL, "'\(host)' is not an IPv6 address in \(shown)")
            }
        } else {
            host = authority
            if let colon = authority.firstIndex(of: ":") {
                host = authority[..<colon]
                portText = String(authority[authority.index(after: colon)...])
            }
            guard isHostName(host) else {
                throw SMTPConfigurationError(.invalidURL, "expected a host name or IP address, found '\(host)' in \(shown)")
            }
        }
        return (String(host), portText)
    }

    private static func tlsParameter(_ query: Substring?, scheme: String, shown: String) throws(SMTPConfigurationError) -> Security? {
        guard let query, !query.isEmpty else { return nil }
        var result: Security?
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == "tls" else {
                throw SMTPConfigurationError(.invalidParameter, "unknown parameter '\(pair)' in \(shown); the only one is tls=starttls or tls=none")
            }
            guard result == nil else {
                throw SMTPConfigurationError(.invalidParameter, "tls= is given more than once in \(shown)")
            }
            switch parts[1].lowercased() {
            case "starttls": result = .startTLS
            case "none": result = .plaintext
            default:
                throw SMTPConfigurationError(.invalidParameter, "expected tls=starttls or tls=none, found tls=\(parts[1]) in \(shown)")
            }
        }
        if scheme == "smtps" {
            throw SMTPConfigurationError(.invalidParameter, "smtps:// is always implicit TLS; drop the tls= parameter or use smtp:// in \(shown)")
        }
        return result
    }

    /// LDH labels or a dotted IPv4 address; no spaces, no percent-encoding.
    private static func isHostName(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        let labels = host.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }

    static func isLoopbackHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        if lowered == "localhost" || lowered == "localhost." { return true }
        if let octets = parseIPv4(lowered) { return octets[0] == 127 }
        if let bytes = parseIPv6(lowered) {
            if bytes == [UInt8](repeating: 0, count: 15) + [1] { return true }
            // IPv4-mapped (::ffff:127.x.y.z).
            return bytes[0..<10].allSatisfy { $0 == 0 } && bytes[10] == 0xFF && bytes[11] == 0xFF && bytes[12] == 127
        }
        return false
    }

    private static func parseIPv4(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let values = parts.compactMap { part -> Int? in
            guard (1...3).contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            return Int(part).flatMap { (0...255).contains($0) ? $0 : nil }
        }
        return values.count == 4 ? values : nil
    }

    private static func parseIPv6(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }
}
