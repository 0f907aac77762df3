import Foundation
import Glibc

/// Reading the outbox: message records, journals, stored bytes and the summary.
extension Outbox {
    /// Every readable message, optionally only those in `states`, oldest first.
    ///
    /// Reads `meta.json` and `journal.ndjson` of each message; a torn last journal line is ignored
    /// (not repaired: that is ``recover()``'s job). Unreadable message directories are skipped and
    /// counted by ``status()``.
    public func records(states: Set<MessageState>? = nil) throws(OutboxError) -> [MessageRecord] {
        try scan().records.filter { states?.contains($0.state) ?? true }
    }

    /// The record of one message, or nil when no message has that event id.
    public func record(eventID: String) throws(OutboxError) -> MessageRecord? {
        let key = try OutboxKey.make(for: eventID)
        guard OutboxIO.exists(messagesFD, key) else { return nil }
        return try readRecord(key)
    }

    /// The full journal of one message, oldest record first.
    public func journal(eventID: String) throws(OutboxError) -> [JournalEntry] {
        let key = try OutboxKey.make(for: eventID)
        let directory = try openMessage(key, eventID: eventID)
        defer { close(directory) }
        return try readJournal(directory, key: key).entries
    }

    /// The stored `message.eml`, exactly as it goes over the wire.
    public func messageBytes(eventID: String) throws(OutboxError) -> [UInt8] {
        try storedFile("message.eml", eventID: eventID)
    }

    /// The source event line exactly as read.
    public func sourceEvent(eventID: String) throws(OutboxError) -> [UInt8] {
        try storedFile("event.json", eventID: eventID)
    }

    /// The stored `meta.json`.
    public func meta(eventID: String) throws(OutboxError) -> MessageMeta {
        let key = try OutboxKey.make(for: eventID)
        let directory = try openMessage(key, eventID: eventID)
        defer { close(directory) }
        return try readMeta(directory, key: key)
    }

    /// Counts per state, audit counts, the oldest waiting message and the next retry time.
    public func status() throws(OutboxError) -> OutboxStatus {
        let (records, unreadable) = try scan()
        var counts = Dictionary(uniqueKeysWithValues: MessageState.allCases.map { ($0, 0) })
        for record in records { counts[record.state, default: 0] += 1 }
        let waiting: Set<MessageState> = [.queued, .held, .deferred]
        return OutboxStatus(
            counts: counts, rejected: try auditCount("rejected.ndjson"), duplicates: try auditCount("duplicates.ndjson"),
            unreadable: unreadable,
            oldestUnsentAt: records.filter { waiting.contains($0.state) }.map(\.createdAt).min(),
            nextRetryAt: records.compactMap(\.nextAttemptAt).min(), takenAt: now())
    }

    private func scan() throws(OutboxError) -> (records: [MessageRecord], unreadable: Int) {
        var records: [MessageRecord] = []
        var unreadable = 0
        for key in try OutboxIO.entries(messagesFD, path: "\(path)/messages") {
            do throws(OutboxError) {
                records.append(try readRecord(key))
            } catch where error.code == .corrupt || error.errno == ENOENT || error.errno == ENOTDIR
                || error.errno == ELOOP
            {
                unreadable += 1
            }
        }
        records.sort { ($0.createdAt, $0.key) < ($1.createdAt, $1.key) }
        return (records, unreadable)
    }

    private func readRecord(_ key: String) throws(OutboxError) -> MessageRecord {
        let directory = try OutboxIO.openDirectory(messagesFD, key, path: messagePath(key))
        defer { close(directory) }
        let meta = try readMeta(directory, key: key)
        let journal = try readJournal(directory, key: key)
        guard !journal.entries.isEmpty else {
            throw OutboxError(code: .corrupt, message: "journal of \(messagePath(key)) has no readable record")
        }
        return MessageRecord(key: key, meta: meta, journal: journal.entries)
    }

    private func readMeta(_ directory: Int32, key: String) throws(OutboxError) -> MessageMeta {
        let location = "\(messagePath(key))/meta.json"
        guard let bytes = try OutboxIO.readFile(directory, "meta.json", path: location) else {
            throw OutboxError(code: .corrupt, message: "message \(key) has no meta.json", path: location)
        }
        guard let meta = OutboxJSONReader.meta(bytes) else {
            throw OutboxError(
                code: .corrupt, message: "\(location) is not valid meta data (a JSON object with event_id, event_type, "
                    + "template, envelope, message_id, created_at and size)", path: location)
        }
        return meta
    }

    private func storedFile(_ name: String, eventID: String) throws(OutboxError) -> [UInt8] {
        let key = try OutboxKey.make(for: eventID)
        let directory = try openMessage(key, eventID: eventID)
        defer { close(directory) }
        let location = "\(messagePath(key))/\(name)"
        guard let bytes = try OutboxIO.readFile(directory, name, path: location) else {
            throw OutboxError(code: .corrupt, message: "message \(eventID) has no \(name)", path: location)
        }
        return bytes
    }
}
