/// The outcome of one delivery attempt, as the outbox journals it.
public struct AttemptRecord: Sendable, Equatable {
    public var duration: Duration
    public var reply: SMTPReply?
    /// The policy's verdict, e.g. `sent`, `transient`, `permanent`, `uncertain`.
    public var classification: String
    /// The transport's detail text; bounded to 1000 bytes when journaled.
    public var detail: String

    public init(duration: Duration, reply: SMTPReply?, classification: String, detail: String = "") {
        self.duration = duration
        self.reply = reply
        self.classification = classification
        self.detail = detail
    }

    /// Takes duration, reply and detail from what the transport observed.
    ///
    /// A failed attempt's detail also says what went wrong and how far the conversation got
    /// (`the connection was lost - Recv failure (libcurl 56) (at end-of-data, after the whole
    /// message was sent)`): the transport's own text rarely names the stage, and the operator
    /// deciding about an `uncertain` message needs exactly that.
    public init(_ attempt: DeliveryAttempt, classification: String) {
        self.init(duration: attempt.duration, reply: attempt.reply, classification: classification,
                  detail: Self.detail(for: attempt))
    }

    static func detail(for attempt: DeliveryAttempt) -> String {
        guard let failure = attempt.failure else { return attempt.detail }
        var parts: [String] = []
        if failure != .rejected { parts.append(DeliveryClassifier.describe(failure)) }
        if !attempt.detail.isEmpty { parts.append(attempt.detail) }
        let sent = attempt.messageFullySent ? ", after the whole message was sent" : ""
        return parts.joined(separator: " - ") + " (at \(attempt.stage.rawValue)\(sent))"
    }

    package var durationMilliseconds: Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
