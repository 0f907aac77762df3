import Foundation
import Mailroom
import Synchronization

/// A ``MailTransport`` that keeps what it is sent, for tests.
///
/// `respond` decides each attempt's outcome (default: accepted with a `250` reply); it is called
/// with the message and how many attempts this transport has seen for that Message-ID so far.
public final class InMemoryTransport: MailTransport, Sendable {
    public struct Delivery: Sendable, Equatable {
        public var envelope: Envelope
        public var bytes: [UInt8]
        public var connection: Int
    }

    private struct State {
        var deliveries: [Delivery] = []
        var attemptsByMessageID: [String: Int] = [:]
        var connectionsMade = 0
    }

    private let state = Mutex(State())
    private let respond: @Sendable (ComposedMessage, Int) -> DeliveryAttempt

    public init(respond: @escaping @Sendable (ComposedMessage, Int) -> DeliveryAttempt = { _, _ in
        .sent(reply: SMTPReply(code: 250, enhancedCode: "2.0.0", text: "Ok: queued"))
    }) {
        self.respond = respond
    }

    /// Messages accepted (attempts whose outcome was `sent`), in order.
    public var deliveries: [Delivery] { state.withLock { $0.deliveries } }
    public var connectionsMade: Int { state.withLock { $0.connectionsMade } }
    public func attempts(forMessageID id: String) -> Int { state.withLock { $0.attemptsByMessageID[id, default: 0] } }
    public var totalAttempts: Int { state.withLock { $0.attemptsByMessageID.values.reduce(0, +) } }

    public func makeConnection() -> any MailConnection {
        let index = state.withLock { state in
            state.connectionsMade += 1
            return state.connectionsMade
        }
        return Connection(transport: self, index: index)
    }

    fileprivate func send(_ message: ComposedMessage, connection: Int, beforeData: () -> Bool) -> DeliveryAttempt {
        let count = state.withLock { state in
            state.attemptsByMessageID[message.messageID, default: 0] += 1
            return state.attemptsByMessageID[message.messageID, default: 0]
        }
        let attempt = respond(message, count)
        if attempt.stage == .data || attempt.stage == .endOfData || attempt.messageFullySent, !beforeData() {
            return DeliveryAttempt(failure: .abandoned, reply: nil, stage: .data, messageFullySent: false)
        }
        if attempt.failure == nil {
            state.withLock {
                $0.deliveries.append(Delivery(envelope: message.envelope, bytes: message.bytes, connection: connection))
            }
        }
        return attempt
    }

    private final class Connection: MailConnection {
        let transport: InMemoryTransport
        let index: Int
        init(transport: InMemoryTransport, index: Int) {
            self.transport = transport
            self.index = index
        }
        func send(_ message: ComposedMessage, beforeData: () -> Bool) -> DeliveryAttempt {
            transport.send(message, connection: index, beforeData: beforeData)
        }
        func close() {}
    }
}
