import Foundation
import Mailroom
import PostgresNIO

/// `mailroom.events`: the table an application inserts events into inside its own transaction.
extension PostgresOutboxStore: EventTable {
    public var name: String { "\(url.schema).events" }

    /// Locks up to `limit` rows with `SKIP LOCKED` (rows another worker is taking are passed
    /// over, not waited for), and stores, records and deletes them in the same transaction: a
    /// row is gone exactly when what it became is stored.
    public func take(limit: Int, leasingTo owner: LeaseOwner?, _ convert: ([EventRow]) -> [EventRowOutcome])
        throws(OutboxError) -> [StoreResult]
    {
        let now = self.now()
        return try transaction("take events from") { session in
            let rows = try session.query("""
                SELECT id, event FROM events ORDER BY id LIMIT \(max(1, limit)) FOR UPDATE SKIP LOCKED
                """)
            guard !rows.isEmpty else { return [] }
            let taken = try rows.map { row in
                EventRow(id: try row.value("id"), event: Array(try row.value("event", as: String.self).utf8))
            }
            var messages: [NewMessage] = []
            for outcome in convert(taken) {
                switch outcome {
                case .message(let message): messages.append(message)
                case .rejected(let event): try Self.recordRejected(event, session: session)
                }
            }
            let results = try Self.store(messages, leasingTo: owner, session: session, at: now,
                                         leaseDuration: leaseDuration)
            try session.execute("DELETE FROM events WHERE id = ANY(\(taken.map(\.id)))")
            return results
        }
    }
}
