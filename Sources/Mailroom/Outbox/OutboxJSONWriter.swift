import Foundation

/// Writes the outbox's own records (journal lines, `meta.json`) as JSON bytes, by hand.
///
/// The output is byte for byte what ``OutboxCoding/encoder()`` (Foundation's `JSONEncoder` with
/// sorted keys, unescaped slashes and millisecond UTC times) writes for the same value; a test
/// compares the two on generated records. The callers write their keys in sorted order. It exists
/// because `JSONEncoder` cost about 6% of a delivered message's CPU (see BENCHMARKS.md).
struct OutboxJSONWriter {
    private(set) var bytes: [UInt8] = []
    private var needsComma = false

    init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    mutating func beginObject() {
        separate()
        bytes.append(UInt8(ascii: "{"))
        needsComma = false
    }

    mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        needsComma = true
    }

    mutating func beginArray() {
        separate()
        bytes.append(UInt8(ascii: "["))
        needsComma = false
    }

    mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        needsComma = true
    }

    /// A key; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        name.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: [UInt8(ascii: "\""), UInt8(ascii: ":")])
        needsComma = false
    }

    mutating func string(_ text: String) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [0x5C, 0x5C])
            case 0x08: bytes.append(contentsOf: [0x5C, UInt8(ascii: "b")])
            case 0x09: bytes.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0x0A: bytes.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0C: bytes.append(contentsOf: [0x5C, UInt8(ascii: "f")])
            case 0x0D: bytes.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0..<0x20:
                bytes.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30])
                bytes.append(Self.lowerHex[Int(byte >> 4)])
                bytes.append(Self.lowerHex[Int(byte & 0x0F)])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    mutating func int<Integer: BinaryInteger>(_ value: Integer) {
        separate()
        bytes.append(contentsOf: String(value).utf8)
        needsComma = true
    }

    /// `2026-11-28T09:15:00.123Z`: UTC, milliseconds rounded down, as `Date.ISO8601FormatStyle`
    /// with fractional seconds writes it.
    mutating func date(_ date: Date) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        Self.appendTimestamp(date, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
        needsComma = true
    }

    /// A key and its string, or nothing when the value is nil (as `encodeIfPresent` does).
    mutating func field(_ name: StaticString, _ value: String?) {
        guard let value else { return }
        key(name)
        string(value)
    }

    /// A key and its integer, or nothing when the value is nil.
    mutating func field<Integer: BinaryInteger>(_ name: StaticString, _ value: Integer?) {
        guard let value else { return }
        key(name)
        int(value)
    }

    /// A key and its timestamp, or nothing when the value is nil.
    mutating func field(_ name: StaticString, _ value: Date?) {
        guard let value else { return }
        key(name)
        date(value)
    }

    /// Ends the record with the newline that makes it one `.ndjson` line.
    mutating func newline() {
        bytes.append(UInt8(ascii: "\n"))
    }

    private mutating func separate() {
        if needsComma { bytes.append(UInt8(ascii: ",")) }
    }

    private static let lowerHex: [UInt8] = Array("0123456789abcdef".utf8)

    /// The UTC timestamp with milliseconds, as `Date.ISO8601FormatStyle` writes it.
    static func appendTimestamp(_ date: Date, to bytes: inout [UInt8]) {
        // Whole seconds and the fraction apart, from the reference date, as Foundation splits them:
        // flooring `seconds * 1000` in one go disagrees with it in about 1 of 10,000 dates.
        let sinceReference = date.timeIntervalSinceReferenceDate
        let wholeSeconds = sinceReference.rounded(.down)
        let fraction = Int(((sinceReference - wholeSeconds) * 1000).rounded(.down))
        let milliseconds = (Int(wholeSeconds) + 978_307_200) * 1000 + fraction
        let (days, remainder) = CivilDate.floorDivide(milliseconds, by: 86_400_000)
        let date = CivilDate(daysSinceEpoch: days)
        appendDigits(date.year, count: 4, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(date.month, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "-"))
        appendDigits(date.day, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "T"))
        appendDigits(remainder / 3_600_000, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(remainder / 60_000 % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        appendDigits(remainder / 1000 % 60, count: 2, to: &bytes)
        bytes.append(UInt8(ascii: "."))
        appendDigits(remainder % 1000, count: 3, to: &bytes)
        bytes.append(UInt8(ascii: "Z"))
    }

    private static func appendDigits(_ value: Int, count: Int, to bytes: inout [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: repeatElement(UInt8(ascii: "0"), count: count))
        var rest = value
        var index = start + count - 1
        while index >= start {
            bytes[index] = UInt8(ascii: "0") + UInt8(rest % 10)
            rest /= 10
            index -= 1
        }
    }
}
