import Mailroom

/// Everything the libcurl transport needs to reach and log in to one SMTP server.
///
/// The password is kept out of every description: `print(settings)`, `dump`-like debug output
/// and string interpolation all show `password: <redacted>`.
public struct SMTPSettings: Sendable, Equatable {
    public var endpoint: SMTPEndpoint
    public var username: String?
    public var password: String?
    /// A PEM file of trusted CAs (for a private relay); nil uses the system store.
    public var caFile: String?
    /// The name sent with EHLO; nil lets libcurl send `localhost`.
    public var heloName: String?
    /// How long TCP connect plus the TLS handshake may take.
    public var connectTimeout: Duration
    /// How long to wait for each server reply (CURLOPT_SERVER_RESPONSE_TIMEOUT, whole seconds,
    /// rounded up). libcurl 7.88.1 applies the same value to the reply after the final dot: a
    /// separate, longer final-reply timeout cannot be set, so choose this with that reply in mind.
    public var replyTimeout: Duration
    /// An upper bound for one whole message transaction (connect included when a new connection
    /// is needed); nil means no bound beyond the per-reply timeout.
    public var transferTimeout: Duration?
    /// Connections idle longer than this are not reused (CURLOPT_MAXAGE_CONN); keep it below the
    /// relay's idle timeout so a connection the server has dropped is not tried first.
    public var maxConnectionAge: Duration

    /// Validates the combination; throws when credentials would cross the network in clear text.
    public init(
        endpoint: SMTPEndpoint, username: String? = nil, password: String? = nil, caFile: String? = nil,
        heloName: String? = nil, connectTimeout: Duration = MailroomSettings.SMTP.defaultConnectTimeout,
        replyTimeout: Duration = MailroomSettings.SMTP.defaultReplyTimeout, transferTimeout: Duration? = nil,
        maxConnectionAge: Duration = MailroomSettings.SMTP.defaultMaxConnectionAge
    ) throws(SMTPConfigurationError) {
        let username = username.flatMap { $0.isEmpty ? nil : $0 }
        let password = password.flatMap { $0.isEmpty ? nil : $0 }
        if password != nil && username == nil {
            throw SMTPConfigurationError(.invalidSetting, "a password is set but no username; set smtp.username too")
        }
        if username != nil && endpoint.security == .plaintext && !endpoint.isLoopback {
            throw SMTPConfigurationError(
                .cleartextCredentials,
                "credentials would be sent in clear text to \(endpoint.host), which is not a loopback address; use smtps:// or smtp:// with STARTTLS (drop ?tls=none)")
        }
        for (name, value) in [("username", username), ("password", password), ("ca_file", caFile)] {
            if let value, value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) || value.contains("\0") {
                throw SMTPConfigurationError(.invalidSetting, "smtp.\(name) contains a control character")
            }
        }
        if let heloName, !Self.isValidHeloName(heloName) {
            throw SMTPConfigurationError(.invalidSetting, "expected the EHLO name to be a host name such as mail.example.com, found '\(heloName)'")
        }
        for (name, value) in [("connect timeout", connectTimeout), ("reply timeout", replyTimeout), ("max connection age", maxConnectionAge)]
        where value <= .zero {
            throw SMTPConfigurationError(.invalidSetting, "the \(name) must be positive, found \(value)")
        }
        if let transferTimeout, transferTimeout <= .zero {
            throw SMTPConfigurationError(.invalidSetting, "the transfer timeout must be positive, found \(transferTimeout)")
        }
        self.endpoint = endpoint
        self.username = username
        self.password = password
        self.caFile = caFile
        self.heloName = heloName
        self.connectTimeout = connectTimeout
        self.replyTimeout = replyTimeout
        self.transferTimeout = transferTimeout
        self.maxConnectionAge = maxConnectionAge
    }

    private static func isValidHeloName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 253 else { return false }
        return name.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63
                && label.utf8.allSatisfy { b in (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A) || b == 0x2D }
        }
    }
}

extension SMTPSettings: CustomStringConvertible, CustomDebugStringConvertible {
    public var description: String {
        let credentials = username.map { "username: \($0), password: \(password == nil ? "none" : "<redacted>")" } ?? "no login"
        return "SMTPSettings(\(endpoint), \(credentials), caFile: \(caFile ?? "system"), connectTimeout: \(connectTimeout), "
            + "replyTimeout: \(replyTimeout), transferTimeout: \(transferTimeout.map { "\($0)" } ?? "none"), maxConnectionAge: \(maxConnectionAge))"
    }

    public var debugDescription: String { description }
}

extension SMTPSettings: CustomReflectable {
    /// `dump` and debuggers walk the mirror, not `description`: keep the password out of it too.
    public var customMirror: Mirror {
        Mirror(self, children: [
            "endpoint": endpoint, "username": username as Any, "password": password == nil ? "none" : "<redacted>",
            "caFile": caFile as Any, "heloName": heloName as Any, "connectTimeout": connectTimeout,
            "replyTimeout": replyTimeout, "transferTimeout": transferTimeout as Any, "maxConnectionAge": maxConnectionAge,
        ], displayStyle: .struct)
    }
}
