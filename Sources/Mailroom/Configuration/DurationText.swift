import Foundation

/// Durations as written in the configuration: `250ms`, `30s`, `5m`, `2h`, `3d`, `10y`.
package enum DurationText {
    /// Nil when `text` is not a whole number followed by one of `ms`, `s`, `m`, `h`, `d`, `y`
    /// (a year is 365 days: retention periods are stated in them).
    package static func parse(_ text: String) -> Duration? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(suffix: String, milliseconds: Int64)] = [
            ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("y", 365 * 86_400_000),
        ]
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            let number = trimmed.dropLast(unit.suffix.count)
            // "5ms" also ends in "s": only accept when the rest is all digits.
            guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit), let value = Int64(number),
                  value <= Int64.max / unit.milliseconds / 1000
            else { continue }
            return .milliseconds(value * unit.milliseconds)
        }
        return nil
    }

    /// The shortest exact form, e.g. `90s` or `3d`.
    package static func format(_ duration: Duration) -> String {
        let ms = Int64(duration.seconds * 1000)
        for (suffix, size) in [("d", Int64(86_400_000)), ("h", 3_600_000), ("m", 60_000), ("s", 1000)] where ms != 0 && ms % size == 0 {
            return "\(ms / size)\(suffix)"
        }
        return "\(ms)ms"
    }
}

extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
