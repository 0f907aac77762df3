/// The step of the SMTP conversation an attempt had reached when it ended.
public enum SMTPStage: String, Sendable, Codable, CaseIterable {
    case connect, greeting, ehlo, starttls, auth, mailFrom = "mail", rcptTo = "rcpt", data
    /// The message bytes and the final dot were sent; waiting for the reply to the end of data.
    case endOfData = "end-of-data"
    case quit
}
