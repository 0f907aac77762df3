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
    public init(_ attempt: DeliveryAttempt, classification: String) {
        self.init(duration: attempt.duration, reply: attempt.reply, classification: classification, detail: attempt.detail)
    }

    var durationMilliseconds: Int {
        let (seconds, attoseconds) = duration.components
        return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
    }
}
