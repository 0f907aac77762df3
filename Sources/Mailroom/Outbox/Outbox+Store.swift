import Foundation
import Glibc

/// Storing new messages: write into `tmp/`, make durable, publish by an atomic rename.
extension Outbox {
    /// A message written into `tmp/` and not yet published.
    private struct Pending {
        var index: Int
        var key: String
        var tmpName: String
        /// Open and `flock`ed, so that ``Outbox/recover()`` in another process leaves it alone.
        var directory: Int32
        /// `journal.ndjson` open for appending when the store hands out claims (-1 otherwise): the
        /// claim journals through it without opening the file again.
        var journal: Int32
    }

    /// Stores one message durably; see ``store(_:)-([NewMessage])``.
    public func store(_ message: NewMessage) throws(OutboxError) -> StoreResult {
        let results = try store([message])
        guard let result = results.first else {
            throw OutboxError(code: .io, message: "storing \(message.eventID) produced no result")
        }
        return result
    }

    /// Stores a batch durably with one flush for the whole batch (group commit).
    ///
    /// Each message is written to `tmp/<unique>/`, then all are made durable (per ``SyncMode``), then
    /// each is renamed to `messages/<key>` (a taken key means `duplicate`), then `messages/` is
    /// fsynced once. When this returns, every `.stored` message survives a crash. A duplicate with a
    /// `source` is also recorded in `duplicates.ndjson`. On an error nothing of the batch that was
    /// not yet renamed is left behind.
    public func store(_ batch: [NewMessage]) throws(OutboxError) -> [StoreResult] {
        try store(batch, keepingClaims: false).results
    }

    /// Stores a batch like ``store(_:)-([NewMessage])`` and hands back a claim on every message it
    /// stored, keyed by event id.
    ///
    /// A new message's directory is locked from before it is published until its claim is
    /// released, so no other process can claim it in between, and claiming it costs nothing: no
    /// `open`, no `flock`, no journal read. This is how `send` delivers what it stores.
    public func storeClaiming(_ batch: [NewMessage]) throws(OutboxError) -> (results: [StoreResult], claims: [String: Claim]) {
        try store(batch, keepingClaims: true)
    }

    private func store(_ batch: [NewMessage], keepingClaims: Bool) throws(OutboxError)
        -> (results: [StoreResult], claims: [String: Claim])
    {
        var claims: [String: Claim] = [:]
        var results: [StoreResult?] = Array(repeating: nil, count: batch.count)
        var pending: [Pending] = []
        defer {
            for item in pending {
                if item.journal >= 0 { close(item.journal) }
                close(item.directory)
                _ = try? OutboxIO.removeFlatDirectory(tmpFD, item.tmpName, path: "\(path)/tmp/\(item.tmpName)")
            }
        }
        for (index, message) in batch.enumerated() {
            let key = try OutboxKey.make(for: message.eventID)
            if OutboxIO.exists(messagesFD, key) {
                results[index] = .duplicate(eventID: message.eventID, key: key)
                continue
            }
            let tmpName = Self.uniqueName()
            let directory = try OutboxIO.makeDirectory(tmpFD, tmpName, path: "\(path)/tmp/\(tmpName)", reuse: false)
            pending.append(Pending(index: index, key: key, tmpName: tmpName, directory: directory, journal: -1))
            _ = try OutboxIO.lockExclusive(directory, wait: true, path: "\(path)/tmp/\(tmpName)")
            pending[pending.count - 1].journal = try write(
                message, key: key, into: directory, at: "\(path)/tmp/\(tmpName)", keepingJournal: keepingClaims)
        }
        if syncMode == .filesystem && !pending.isEmpty {
            try OutboxIO.syncFilesystem(rootFD, path: path)
        }
        var published = false
        while let item = pending.first {
            let renamed = try OutboxIO.renameNoReplace(
                tmpFD, item.tmpName, messagesFD, item.key, path: "\(path)/tmp/\(item.tmpName)")
            let eventID = batch[item.index].eventID
            if renamed {
                pending.removeFirst()
                if keepingClaims {
                    let state = batch[item.index].initialState
                    claims[eventID] = Claim(
                        eventID: eventID, key: item.key, state: state, previousAttempts: 0, directory: item.directory,
                        journal: item.journal)
                } else {
                    if item.journal >= 0 { close(item.journal) }
                    close(item.directory)
                }
                results[item.index] = .stored(eventID: eventID, key: item.key)
                published = true
            } else {
                results[item.index] = .duplicate(eventID: eventID, key: item.key)
                pending.removeFirst()
                if item.journal >= 0 { close(item.journal) }
                close(item.directory)
                _ = try OutboxIO.removeFlatDirectory(tmpFD, item.tmpName, path: "\(path)/tmp/\(item.tmpName)")
            }
        }
        if published {
            try OutboxIO.fsyncFile(messagesFD, path: "\(path)/messages")
        }
        var final: [StoreResult] = []
        for (index, result) in results.enumerated() {
            guard let result else { continue }
            let message = batch[index]
            if result.isDuplicate, let source = message.source {
                try recordDuplicate(eventID: message.eventID, source: source, line: message.line ?? 0)
            }
            final.append(result)
        }
        return (final, claims)
    }

    /// Writes the four files of one message into its (temporary) directory; with `keepingJournal`,
    /// returns the journal still open for appending (else -1).
    private func write(_ message: NewMessage, key: String, into directory: Int32, at location: String,
                       keepingJournal: Bool) throws(OutboxError) -> Int32
    {
        let created = now()
        let meta = MessageMeta(
            eventID: message.eventID, eventType: message.eventType, template: message.template,
            locale: message.locale, envelope: message.composed.envelope, messageID: message.composed.messageID,
            createdAt: created, size: message.composed.bytes.count)
        let stored = JournalEntry(
            time: created, kind: .stored, state: message.initialState,
            detail: message.source.map { "from \($0)" + (message.line.map { " line \($0)" } ?? "") })
        let files: [(String, [UInt8])] = [
            ("message.eml", message.composed.bytes),
            ("event.json", message.sourceEvent),
            ("meta.json", meta.jsonLine),
        ]
        let syncEach = syncMode == .eachFile
        for (name, bytes) in files {
            try OutboxIO.createFile(directory, name, bytes: bytes, sync: syncEach, path: "\(location)/\(name)")
        }
        let journal = try OutboxIO.createFileKeepingOpen(
            directory, "journal.ndjson", bytes: stored.jsonLine, sync: syncEach, appending: true,
            path: "\(location)/journal.ndjson")
        if syncEach {
            do { try OutboxIO.fsyncFile(directory, path: location) } catch { close(journal); throw error }
        }
        guard keepingJournal else {
            close(journal)
            return -1
        }
        return journal
    }

    /// `<pid>-<64 random bits>`: unique across processes and calls without coordination.
    static func uniqueName() -> String {
        "\(getpid())-\(String(UInt64.random(in: 0...UInt64.max), radix: 16))"
    }
}
