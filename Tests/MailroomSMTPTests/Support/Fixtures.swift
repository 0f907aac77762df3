import Foundation
import Logging
import Mailroom
import MailroomSMTP

/// Small builders shared by the SMTP tests.
enum Fixtures {
    static let sender = "accounts@example.com"
    static let recipient = "ada@example.org"

    static func message(_ number: Int, body: String? = nil, recipients: [String] = [recipient]) -> ComposedMessage {
        let text = "From: Example Accounts <\(sender)>\r\nTo: \(recipients.joined(separator: ", "))\r\n"
            + "Subject: Test message \(number)\r\nMessage-ID: <\(number).test@example.com>\r\n"
            + "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
            + (body ?? "Hello, this is message \(number).\r\n")
        return ComposedMessage(envelope: Envelope(sender: sender, recipients: recipients),
                               messageID: "<\(number).test@example.com>", bytes: Array(text.utf8))
    }

    static func settings(
        _ url: String, username: String? = nil, password: String? = nil, caFile: String? = nil,
        replyTimeout: Duration = .seconds(3), transferTimeout: Duration? = .seconds(10)
    ) throws -> SMTPSettings {
        try SMTPSettings(endpoint: SMTPEndpoint(url: url), username: username, password: password, caFile: caFile,
                         heloName: "client.test", connectTimeout: .seconds(3), replyTimeout: replyTimeout,
                         transferTimeout: transferTimeout)
    }

    static func connection(_ settings: SMTPSettings, logger: Logger = quietLogger) -> any MailConnection {
        CurlSMTPTransport(settings: settings, logger: logger).makeConnection()
    }

    static let quietLogger = Logger(label: "mailroom.smtp.test", factory: { _ in SwiftLogNoOpLogHandler() })
}

/// Keeps every log line, to check what the transport would have written to a log.
final class CapturingLogHandler: LogHandler, @unchecked Sendable {
    // @unchecked: the tests read `lines` only after the connection that logs has finished.
    final class Storage: @unchecked Sendable {
        var lines: [String] = []
    }

    let storage: Storage
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    init(storage: Storage) { self.storage = storage }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        storage.lines.append("\(event.level) \(event.message) \(event.metadata ?? [:])")
    }
}
