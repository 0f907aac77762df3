/// The one place that turns what the transport saw into a ``DeliveryVerdict``.
///
/// The reply code decides first (libcurl's CURLcodes 55 and 8 each mean several things), then
/// the transport failure. Retry policy and the outbox read only the verdict.
public enum DeliveryClassifier {
    public static func verdict(for attempt: DeliveryAttempt) -> DeliveryVerdict {
        guard let failure = attempt.failure else { return .sent }
        // What the transport found out about the session outranks the reply it came with: the
        // same refusal awaits every message on this relay.
        if [.tlsSetupFailed, .authenticationRequired, .encryptionRequired].contains(failure) { return .configuration }
        if let reply = attempt.reply, reply.code >= 400 {
            return verdict(forReply: reply, at: attempt.stage)
        }
        return verdict(for: failure, messageFullySent: attempt.messageFullySent)
    }

    /// A one-line explanation for the journal and the operator, e.g.
    /// `transient: 451 4.7.1 try later (at rcpt)`.
    public static func explanation(for attempt: DeliveryAttempt) -> String {
        let verdict = verdict(for: attempt)
        var parts = [verdict.rawValue + ":"]
        if let reply = attempt.reply { parts.append(reply.description) }
        if let failure = attempt.failure, failure != .rejected { parts.append(describe(failure)) }
        if !attempt.detail.isEmpty { parts.append("- " + attempt.detail) }
        parts.append("(at \(attempt.stage.rawValue))")
        return parts.joined(separator: " ")
    }

    static func verdict(forReply reply: SMTPReply, at stage: SMTPStage) -> DeliveryVerdict {
        switch reply.code {
        case 421:
            return .transient
        case 454 where stage == .auth:
            // Temporary authentication failure (RFC 4954): the server's problem, not ours.
            return .transient
        case 530, 534, 538:
            // Authentication required / mechanism too weak / encryption required: fix the configuration.
            return .configuration
        case 535:
            return .configuration
        case 552 where stage == .rcptTo:
            // RFC 5321 4.5.3.1.10: "too many recipients" sent as 552 must be treated as 452.
            return .transient
        case 400..<500:
            return .transient
        case 500..<600 where [.greeting, .ehlo, .starttls, .auth].contains(stage):
            // Refused before any message was involved: every message would fail the same way.
            return .configuration
        case 500..<600 where stage == .mailFrom && reply.enhancedCode?.hasPrefix("5.7.") == true:
            // A security policy refusing the sender, which is the same for every message.
            return .configuration
        case 500..<600:
            return .permanent
        default:
            return .transient
        }
    }

    static func verdict(for failure: TransportFailure, messageFullySent: Bool) -> DeliveryVerdict {
        switch failure {
        case .tlsNotTrusted, .startTLSUnavailable, .loginDenied, .tlsSetupFailed, .authenticationRequired, .encryptionRequired:
            return .configuration
        case .local:
            return .permanent
        case .timedOut, .connectionLost, .protocolViolation, .rejected:
            return messageFullySent ? .uncertain : .transient
        case .couldNotResolveHost, .couldNotConnect, .tlsHandshakeFailed, .abandoned:
            return .transient
        }
    }

    static func describe(_ failure: TransportFailure) -> String {
        switch failure {
        case .rejected: "rejected by the server"
        case .couldNotResolveHost: "could not resolve the server's host name"
        case .couldNotConnect: "could not connect to the server"
        case .timedOut: "timed out waiting for the server"
        case .connectionLost: "the connection was lost"
        case .protocolViolation: "the server's reply was not valid SMTP"
        case .tlsHandshakeFailed: "the TLS handshake failed"
        case .tlsNotTrusted: "the server's TLS certificate is not trusted (check smtp.ca_file and the host name)"
        case .startTLSUnavailable: "the server does not offer STARTTLS, which this URL requires"
        case .loginDenied: "the server refused the credentials"
        case .tlsSetupFailed: "TLS could not be set up on our side: check smtp.ca_file (a PEM file of CA certificates)"
        case .authenticationRequired:
            "the relay requires authentication and no credentials are configured: set smtp.username "
                + "(or MAILROOM_SMTP_USERNAME) and MAILROOM_SMTP_PASSWORD"
        case .encryptionRequired: "the relay requires TLS on this plain connection: add ?tls=starttls to the SMTP URL"
        case .abandoned: "given up before the message data: the run is stopping"
        case .local(let reason): "local error: \(reason)"
        }
    }
}
