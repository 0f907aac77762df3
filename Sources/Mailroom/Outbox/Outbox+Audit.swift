import Foundation
import Glibc

/// The two audit files for input that produced no message: `rejected.ndjson` and `duplicates.ndjson`.
extension Outbox {
    /// How much of a rejected line is kept: enough to find it, bounded so a record stays one write.
    public static let rejectedExcerptLimit = 512

    private struct Rejected: Encodable {
        var time: Date
        var source: String
        var line: Int
        var eventID: String?
        var problems: [String]
        /// The start of the raw line, as UTF-8 with invalid bytes replaced.
        var excerpt: String
        /// Length of the raw line in bytes, so a reader knows when the excerpt is partial.
        var bytes: Int

        enum CodingKeys: String, CodingKey {
            case time, source, line, problems, excerpt, bytes
            case eventID = "event_id"
        }
    }

    private struct Duplicate: Encodable {
        var time: Date
        var eventID: String
        var source: String
        var line: Int

        enum CodingKeys: String, CodingKey {
            case time, source, line
            case eventID = "event_id"
        }
    }

    /// Records an invalid input line (it produces no message).
    public func recordRejected(
        source: String, line: Int, eventID: String?, problems: [String], raw: [UInt8], sync: Bool = true
    ) throws(OutboxError) {
        let excerpt = String(decoding: raw.prefix(Self.rejectedExcerptLimit), as: UTF8.self)
        let record = Rejected(
            time: now(), source: OutboxCoding.bounded(source, limit: 256), line: line,
            eventID: eventID.map { OutboxCoding.bounded($0, limit: 256) },
            problems: problems.prefix(8).map { OutboxCoding.bounded($0, limit: 256) }, excerpt: excerpt, bytes: raw.count)
        try appendAudit(record, to: "rejected.ndjson", sync: sync)
    }

    /// Records an event whose id was already stored (it is never sent again).
    public func recordDuplicate(eventID: String, source: String, line: Int, sync: Bool = true) throws(OutboxError) {
        let record = Duplicate(
            time: now(), eventID: OutboxCoding.bounded(eventID, limit: 256),
            source: OutboxCoding.bounded(source, limit: 256), line: line)
        try appendAudit(record, to: "duplicates.ndjson", sync: sync)
    }

    private func appendAudit<Record: Encodable>(_ record: Record, to name: String, sync: Bool) throws(OutboxError) {
        let location = "\(path)/\(name)"
        let line = try OutboxCoding.line(record, path: location)
        let fd = try OutboxIO.openFile(rootFD, name, flags: O_WRONLY | O_APPEND | O_CREAT, path: location)
        defer { close(fd) }
        try OutboxIO.writeAll(fd, line, path: location)
        if sync {
            try OutboxIO.fsyncFile(fd, path: location)
            try OutboxIO.fsyncFile(rootFD, path: path)
        }
    }

    /// Complete lines in an audit file; zero when it does not exist yet.
    func auditCount(_ name: String) throws(OutboxError) -> Int {
        guard let bytes = try OutboxIO.readFile(rootFD, name, path: "\(path)/\(name)") else { return 0 }
        return bytes.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
    }
}
