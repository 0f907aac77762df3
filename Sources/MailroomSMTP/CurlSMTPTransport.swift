import Logging
import Mailroom

/// The SMTP transport over libcurl: makes one ``CurlSMTPConnection`` per dispatcher worker.
///
/// Each connection owns one easy handle and one SMTP connection, kept open across messages.
/// Creating the transport does no I/O; the first `send` on a connection connects.
public struct CurlSMTPTransport: MailTransport {
    public var settings: SMTPSettings
    public var logger: Logger

    public init(settings: SMTPSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
    }

    public func makeConnection() -> any MailConnection {
        CurlSMTPConnection(settings: settings, logger: logger)
    }
}
