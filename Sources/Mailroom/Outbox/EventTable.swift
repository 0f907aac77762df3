/// Event rows an application commits into the outbox's own database, in the same transaction as
/// the change they announce (the transactional outbox): an event is there if and only if that
/// change committed.
///
/// Engines with such a table (PostgreSQL's `mailroom.events`) implement this; the send pipeline
/// turns rows into messages with the same validation and rendering as input lines.
public protocol EventTable: Sendable {
    /// The table's name, as rejected rows name their source (e.g. `mailroom.events`).
    var name: String { get }

    /// Takes up to `limit` committed rows that no other worker is taking, oldest first, and
    /// passes them to `convert`; then, in the same transaction, stores the messages it made
    /// (leased to `owner`, as ``OutboxStore/store(_:leasingTo:)`` does), records the rejected
    /// rows, and deletes every row taken. So each row becomes exactly one message or one
    /// rejection, however many workers take at once, and a failure leaves every row in place.
    ///
    /// `convert` may be called again for the same rows when the transaction is retried (after a
    /// deadlock); it must not have effects of its own.
    func take(limit: Int, leasingTo owner: LeaseOwner?, _ convert: ([EventRow]) -> [EventRowOutcome])
        throws(OutboxError) -> [StoreResult]
}

/// One row of an ``EventTable``: its id (its place in the table, like a line number) and the
/// event's JSON text exactly as the application wrote it.
public struct EventRow: Sendable {
    public let id: Int64
    public let event: [UInt8]

    public init(id: Int64, event: [UInt8]) {
        self.id = id
        self.event = event
    }
}

/// What a row became: a message to store, or a rejection to record.
public enum EventRowOutcome: Sendable {
    case message(NewMessage)
    case rejected(RejectedEvent)
}
