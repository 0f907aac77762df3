import Foundation

/// An input line that produced no message: invalid, or impossible to render.
public struct RejectedEvent: Sendable, Equatable {
    /// How much of a rejected line is kept: enough to find it, bounded so junk input cannot grow
    /// the outbox by its own size.
    public static let excerptLimit = 512

    /// The engine's row number; nil before it is recorded.
    public var row: Int64?
    public var time: Date
    public var source: String
    public var line: Int
    public var eventID: String?
    public var problems: [String]
    /// The start of the raw line, as UTF-8 with invalid bytes replaced.
    public var excerpt: String
    /// Length of the raw line in bytes, so a reader knows when the excerpt is partial.
    public var bytes: Int

    public init(time: Date, source: String, line: Int, eventID: String?, problems: [String], raw: [UInt8]) {
        self.init(
            row: nil, time: time, source: OutboxText.bounded(source, limit: 256), line: line,
            eventID: eventID.map { OutboxText.bounded($0, limit: 256) },
            problems: problems.prefix(8).map { OutboxText.bounded($0, limit: 256) },
            excerpt: String(decoding: raw.prefix(Self.excerptLimit), as: UTF8.self), bytes: raw.count)
    }

    public init(row: Int64?, time: Date, source: String, line: Int, eventID: String?, problems: [String],
                excerpt: String, bytes: Int) {
        self.row = row
        self.time = time
        self.source = source
        self.line = line
        self.eventID = eventID
        self.problems = problems
        self.excerpt = excerpt
        self.bytes = bytes
    }
}

/// An event id seen again after its message was stored; counted, never sent again.
public struct DuplicateEvent: Sendable, Equatable {
    public var row: Int64
    public var eventID: String
    public var firstSeen: Date
    public var lastSeen: Date
    /// How many times the id came again.
    public var count: Int
    /// Where it came last: a file name or `-`, and the line.
    public var lastSource: String
    public var lastLine: Int

    public init(row: Int64, eventID: String, firstSeen: Date, lastSeen: Date, count: Int, lastSource: String,
                lastLine: Int) {
        self.row = row
        self.eventID = eventID
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.lastSource = lastSource
        self.lastLine = lastLine
    }
}
