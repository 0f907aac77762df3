/// Where and how to reach the SMTP server, parsed from a URL such as `smtps://mail.example.com`.
///
/// The rules (CONTRACT section 2): `smtps://host[:port]` is implicit TLS (default port 465);
/// `smtp://host[:port]` requires STARTTLS (default port 587) unless the host is loopback, where it
/// is plain; `?tls=starttls` or `?tls=none` states the choice explicitly. TLS is never optional
/// ("use it if offered"): that would let an active attacker strip it and read the credentials.
public struct SMTPEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable {
        /// TLS from the first byte (`smtps://`).
        case implicitTLS = "implicit-tls"
        /// Plain connect, then STARTTLS, which must succeed before anything else is sent.
        case startTLS = "starttls"
        /// No TLS at all.
        case plaintext = "none"
    }

    /// The host as written, without brackets for IPv6 literals (e.g. `::1`).
    public var host: String
    public var port: Int
    public var security: Security

    /// Builds an endpoint directly; prefer ``init(url:)`` for operator input.
    public init(host: String, port: Int, security: Security) {
        self.host = host
        self.port = port
        self.security = security
    }

    /// True for `localhost`, 127.0.0.0/8 and `::1`: traffic that never leaves the machine.
    public var isLoopback: Bool { Self.isLoopbackHost(host) }

    /// The URL handed to libcurl: scheme by security, IPv6 in brackets, the EHLO name as path.
    func curlURL(heloName: String?) -> String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(hostPart):\(port)/\(heloName ?? "")"
    }

    public var description: String {
        let scheme = security == .implicitTLS ? "smtps" : "smtp"
        let hostPart = host.contains(":") ? "[\(host)]" : host
        let query = security == .implicitTLS ? "" : "?tls=\(security.rawValue)"
        return "\(scheme)://\(hostPart):\(port)\(query)"
    }
}
