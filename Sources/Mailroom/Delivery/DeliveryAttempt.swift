import Foundation

/// What one attempt to deliver one message observed, unclassified.
public struct DeliveryAttempt: Sendable, Equatable {
    /// Nil when the server replied 250 to the end of data.
    public var failure: TransportFailure?
    /// The reply that decided the attempt: the final 250 on success, else the failing reply if any.
    public var reply: SMTPReply?
    /// How far the conversation got.
    public var stage: SMTPStage
    /// True once every byte of the message and the final dot were handed to the socket.
    public var messageFullySent: Bool
    /// Human-readable detail from the transport (e.g. libcurl's error text); never contains secrets.
    public var detail: String
    public var duration: Duration
    /// True when the attempt was retried once on a fresh connection because the reused one was stale.
    public var retriedOnFreshConnection: Bool

    public init(
        failure: TransportFailure?, reply: SMTPReply?, stage: SMTPStage, messageFullySent: Bool,
        detail: String = "", duration: Duration = .zero, retriedOnFreshConnection: Bool = false
    ) {
        self.failure = failure
        self.reply = reply
        self.stage = stage
        self.messageFullySent = messageFullySent
        self.detail = detail
        self.duration = duration
        self.retriedOnFreshConnection = retriedOnFreshConnection
    }

    public static func sent(reply: SMTPReply, duration: Duration = .zero) -> DeliveryAttempt {
        DeliveryAttempt(failure: nil, reply: reply, stage: .endOfData, messageFullySent: true, duration: duration)
    }
}
