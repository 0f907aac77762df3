import Foundation

/// At most `count` attempts per `period`, as relays such as Amazon SES impose (`14/s`).
///
/// Applied by one ``DeliveryDispatcher`` to all its connections together, so the limit holds per
/// process: several processes on one relay account each need their share of the relay's rate.
/// Attempts are spaced evenly (one every `period / count`) rather than sent in bursts, which is
/// what a relay's per-second limit counts.
public struct RateLimit: Sendable, Equatable, CustomStringConvertible {
    public let count: Int
    public let period: Duration

    public init?(count: Int, period: Duration) {
        guard count > 0, period > .zero else { return nil }
        self.count = count
        self.period = period
    }

    /// `14/s`, `600/m`, `10000/h`, `50000/d`; nil when `text` is not of that form.
    public init?(parsing text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].allSatisfy(\.isASCIIDigit), let count = Int(parts[0]) else { return nil }
        let periods: [Substring: Duration] = ["s": .seconds(1), "m": .seconds(60), "h": .seconds(3600), "d": .seconds(86_400)]
        guard let period = periods[parts[1]] else { return nil }
        self.init(count: count, period: period)
    }

    /// The time between two attempts.
    package var interval: Duration { period / count }

    public var description: String {
        let unit = period == .seconds(1) ? "s" : period == .seconds(60) ? "m" : period == .seconds(3600) ? "h" : "d"
        return "\(count)/\(unit)"
    }
}
