/// A message to store: the composed email, the event it came from, and where that event was read.
public struct NewMessage: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var template: String
    public var locale: String?
    /// The source event line exactly as read (without its newline), kept as `event.json`.
    public var sourceEvent: [UInt8]
    public var composed: ComposedMessage
    /// `.queued` when a transport is configured, `.held` when not.
    public var initialState: MessageState
    /// Where the event was read (a file name or `-`), and its line number; when given, a duplicate is
    /// recorded in `duplicates.ndjson` by ``Outbox`` itself.
    public var source: String?
    public var line: Int?

    public init(
        eventID: String, eventType: String, template: String, locale: String?, sourceEvent: [UInt8],
        composed: ComposedMessage, initialState: MessageState = .queued, source: String? = nil, line: Int? = nil
    ) {
        self.eventID = eventID
        self.eventType = eventType
        self.template = template
        self.locale = locale
        self.sourceEvent = sourceEvent
        self.composed = composed
        self.initialState = initialState
        self.source = source
        self.line = line
    }
}

/// What `Outbox.store` did with one message.
public enum StoreResult: Sendable, Equatable {
    /// Durably stored under `messages/<key>`.
    case stored(eventID: String, key: String)
    /// A message with this event id was already stored (by this or another run or process); nothing
    /// was written except the `duplicates.ndjson` line.
    case duplicate(eventID: String, key: String)

    public var eventID: String {
        switch self {
        case .stored(let eventID, _), .duplicate(let eventID, _): eventID
        }
    }

    public var isDuplicate: Bool {
        if case .duplicate = self { true } else { false }
    }
}
