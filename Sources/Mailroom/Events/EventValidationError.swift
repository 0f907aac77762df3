/// Everything wrong with one input event, reported at once.
///
/// The event is named by its `id` when the input had a usable one, else by its line number.
public struct EventValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// One field that broke the contract.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        /// A JSON path such as `$.data.retained[1].retain_until`, or `$` for the whole line.
        public var path: String
        /// What was expected and, where safe to show, what was found.
        public var message: String

        public init(path: String, message: String) {
            self.path = path
            self.message = message
        }

        public var description: String { "\(path): \(message)" }
    }

    /// The event's `id` if it was present and valid.
    public var eventID: String?
    /// 1-based line number in its input, when known.
    public var line: Int?
    /// The input's name (file path or `-`), when known.
    public var source: String?
    public var problems: [Problem]

    public init(eventID: String? = nil, line: Int? = nil, source: String? = nil, problems: [Problem]) {
        self.eventID = eventID
        self.line = line
        self.source = source
        self.problems = problems
    }

    /// `event evt_1` or `line 12 of events.ndjson`.
    public var subject: String {
        var where_ = ""
        if let line {
            where_ = "line \(line)"
            if let source { where_ += " of \(source)" }
        }
        if let eventID { return where_.isEmpty ? "event \(eventID)" : "event \(eventID) (\(where_))" }
        return where_.isEmpty ? "event" : where_
    }

    public var description: String {
        "invalid \(subject): " + problems.map(\.description).joined(separator: "; ")
    }
}
