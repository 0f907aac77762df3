/// What went wrong on the wire, as the transport saw it, before any policy decision.
///
/// The transport maps its own error codes (libcurl's CURLcode) onto these; ``DeliveryClassifier``
/// alone decides what each one means for the message.
public enum TransportFailure: Sendable, Equatable, Codable {
    /// The server answered with a 4xx or 5xx reply (see the attempt's `reply`).
    case rejected
    case couldNotResolveHost
    case couldNotConnect
    case timedOut
    /// Reset, closed or unreadable connection.
    case connectionLost
    /// A reply that is not SMTP.
    case protocolViolation
    /// The TLS handshake failed for a reason other than trust.
    case tlsHandshakeFailed
    /// The server's certificate was not trusted or did not match the host name.
    case tlsNotTrusted
    /// STARTTLS was required but the server does not offer it or refused it.
    case startTLSUnavailable
    /// The server refused the credentials (535).
    case loginDenied
    /// TLS could not be set up on our side (an unusable CA file, say): no server is involved.
    case tlsSetupFailed
    /// The server refused MAIL or RCPT because the client did not authenticate, and no
    /// credentials are configured (see the attempt's `reply`).
    case authenticationRequired
    /// The server refused MAIL or RCPT on a plain connection because it requires TLS first.
    case encryptionRequired
    /// Given up by us just before the message data (the run is stopping): nothing of the message
    /// was sent.
    case abandoned
    /// A problem on our side that no retry fixes (bad option, out of memory, invalid address).
    case local(String)
}
