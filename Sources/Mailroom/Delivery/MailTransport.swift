/// Something that can open connections to a mail server.
///
/// Implementations: the libcurl SMTP transport (`MailroomSMTP`) and an in-memory one for tests
/// (`MailroomTesting`).
public protocol MailTransport: Sendable {
    /// A new, not yet connected connection. Connecting happens lazily on the first send.
    func makeConnection() -> any MailConnection
}

/// One connection to the server, reused across messages.
///
/// Blocking, and used by one thread at a time: the dispatcher gives each connection its own
/// thread, away from Swift's cooperative pool. Implementations keep the connection open between
/// messages and reconnect when needed.
public protocol MailConnection: AnyObject {
    /// Delivers one message and reports what happened; never throws, never retries except the
    /// single fresh-connection retry of a transaction that failed on a stale reused connection.
    ///
    /// `beforeData` is called at most once, on this thread, just before the first byte of the
    /// message goes to the server (after `354`): from then on the server may end up with the
    /// message whatever happens to us, so the caller journals the attempt there. An attempt that
    /// fails earlier never calls it. When it returns false the transaction is given up there,
    /// before any byte of the message is sent, and the attempt fails with `.abandoned`.
    func send(_ message: ComposedMessage, beforeData: () -> Bool) -> DeliveryAttempt
    /// Says QUIT and closes; the connection may be used again afterwards (it reconnects).
    func close()
}

extension MailConnection {
    /// Delivers one message with nothing to do before its data.
    public func send(_ message: ComposedMessage) -> DeliveryAttempt {
        send(message, beforeData: { true })
    }
}
