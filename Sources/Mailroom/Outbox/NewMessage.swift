/// A message to store: the composed email, the event it came from, and where that event was read.
public struct NewMessage: Sendable, Equatable {
    public var eventID: String
    public var eventType: String
    public var template: String
    public var locale: String?
    /// The source event line exactly as read (without its newline).
    public var sourceEvent: [UInt8]
    public var composed: ComposedMessage
    /// `.queued` when a transport is configured, `.held` when not; `.expired` when its deadline
    /// had already passed.
    public var initialState: MessageState
    /// Where the event was read (a file name or `-`), and its line number; journaled with the
    /// message, and counted with a duplicate.
    public var source: String?
    public var line: Int?
    /// Why it is stored in ``initialState`` when that needs saying (an expired message's reason);
    /// journaled with the `stored` entry.
    public var note: String?

    public init(
        eventID: String, eventType: String, template: String, locale: String?, sourceEvent: [UInt8],
        composed: ComposedMessage, initialState: MessageState = .queued, source: String? = nil, line: Int? = nil,
        note: String? = nil
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
        self.note = note
    }
}

/// What ``OutboxStore/store(_:leasingTo:)`` did with one message.
public enum StoreResult: Sendable, Equatable {
    /// Durably stored; leased to the owner the store was given, if any.
    case stored(eventID: String, lease: Lease?)
    /// A message with this event id was already stored (by this or another run, process or host);
    /// only the duplicate was counted.
    case duplicate(eventID: String)

    public var eventID: String {
        switch self {
        case .stored(let eventID, _), .duplicate(let eventID): eventID
        }
    }

    public var isDuplicate: Bool {
        if case .duplicate = self { true } else { false }
    }

    public var lease: Lease? {
        if case .stored(_, let lease) = self { lease } else { nil }
    }
}
