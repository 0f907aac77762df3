import Logging
import Mailroom

/// The SMTP transport over libcurl: makes one ``CurlSMTPConnection`` per dispatcher worker.
///
/// Each connection owns one easy handle and one SMTP connection, kept open across messages.
/// Creating the transport does no I/O; the first `send` on a connection connects.
public struct CurlSMTPTransport: MailTransport {
    public var settings: SMTPSettings
    public var logger: Logger

    /// Warns once when credentials will cross a plain connection (allowed to loopback only).
    public init(settings: SMTPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        if settings.username != nil && settings.endpoint.security == .plaintext {
            logger.warning("the SMTP credentials travel in clear text on this plain connection (loopback only); add ?tls=starttls to the URL if the relay offers it",
                           metadata: ["relay": "\(settings.endpoint)"])
        }
    }

    public func makeConnection() -> any MailConnection {
        CurlSMTPConnection(settings: settings, logger: logger)
    }
}
