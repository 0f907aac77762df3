import Mailroom

/// Splits an NDJSON request body into event lines the way ``EventStreamReader`` reads a stream:
/// numbered from 1, blank lines skipped but counted, `\r\n` accepted, a line over the limit
/// reported by its length without its bytes.
enum RequestBodyLines {
    static func split(_ body: [UInt8], maxLineLength: Int = EventStreamReader.defaultMaxLineLength)
        -> [EventStreamReader.Line]
    {
        var lines: [EventStreamReader.Line] = []
        var number = 0
        for var slice in body.split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            if slice.last == 0x0D { slice = slice.dropLast() }
            guard !slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            if slice.count > maxLineLength {
                lines.append(.overlong(number: number, length: slice.count))
            } else {
                lines.append(.line(number: number, bytes: Array(slice)))
            }
        }
        return lines
    }
}
