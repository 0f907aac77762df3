import Foundation

/// An RFC 3339 timestamp or calendar date, with the text it was written as.
///
/// `dateOnly` is true for a plain `YYYY-MM-DD` (allowed for `retain_until`); such a value means
/// that whole day, and renders without a time.
public struct Timestamp: Sendable, Equatable, Hashable {
    public var date: Date
    public var text: String
    public var dateOnly: Bool

    public init(date: Date, text: String, dateOnly: Bool = false) {
        self.date = date
        self.text = text
        self.dateOnly = dateOnly
    }
}
