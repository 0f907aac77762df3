import Foundation

/// Which stored messages a listing, an export or a replay takes.
///
/// Every condition narrows the selection; nil or empty means no condition. Engines answer each
/// from an index, so the cost follows the size of the answer.
public struct RecordFilter: Sendable, Equatable {
    public var states: Set<MessageState>?
    public var eventIDs: [String] = []
    /// Stored at or after this time.
    public var since: Date?
    /// Stored before this time.
    public var until: Date?
    /// The envelope recipient, exactly (addresses are compared case-insensitively).
    public var recipient: String?
    /// The event type, e.g. `account.closed`.
    public var eventType: String?
    /// A redacted message's recipient by its keyed hash (``RedactionHashes/recipient``).
    public var recipientHash: String?
    /// When set, a `deferred` message is taken only once its next attempt is due at this time.
    public var dueAt: Date?
    /// Keyset pagination: only records after this one in (created, event id) order.
    public var after: Position?
    public var limit: Int

    public init(states: Set<MessageState>? = nil, eventIDs: [String] = [], since: Date? = nil, until: Date? = nil,
                recipient: String? = nil, eventType: String? = nil, dueAt: Date? = nil, limit: Int = 1000) {
        self.states = states
        self.eventIDs = eventIDs
        self.since = since
        self.until = until
        self.recipient = recipient
        self.eventType = eventType
        self.dueAt = dueAt
        self.limit = limit
    }
}

extension RecordFilter {
    /// A record's place in (created, event id) order.
    public struct Position: Sendable, Equatable {
        public var createdAt: Date
        public var eventID: String

        public init(createdAt: Date, eventID: String) {
            self.createdAt = createdAt
            self.eventID = eventID
        }
    }
}

extension OutboxStore {
    /// Every record `filter` selects, page by page, without holding more than a page in memory.
    public func forEachRecord(_ filter: RecordFilter, _ body: (MessageRecord) throws -> Void) throws {
        var page = filter
        while true {
            let records = try self.records(page)
            for record in records { try body(record) }
            guard records.count == page.limit, let last = records.last else { return }
            page.after = RecordFilter.Position(createdAt: last.createdAt, eventID: last.eventID)
        }
    }
}
