import Foundation
import Glibc

/// Reading and appending `journal.ndjson`, and the calls that record what happened to a message.
extension Outbox {
    /// A journal as read: its complete records, and how many trailing bytes form a torn last line.
    struct JournalContents {
        var entries: [JournalEntry]
        /// Length of the file up to and including the last newline.
        var completeLength: Int
        /// Bytes after the last newline: a record cut short by a crash.
        var tornBytes: Int
    }

    /// Parses journal bytes; a torn last line is reported, not returned, and unreadable complete lines
    /// are skipped (they cannot come from this code, which writes whole lines only).
    static func parseJournal(_ bytes: [UInt8]) -> JournalContents {
        let newline = UInt8(ascii: "\n")
        let completeLength = (bytes.lastIndex(of: newline) ?? -1) + 1
        var entries: [JournalEntry] = []
        var start = 0
        for index in 0..<completeLength where bytes[index] == newline {
            if index > start, let entry = OutboxJSONReader.journalEntry(bytes[start..<index]) {
                entries.append(entry)
            }
            start = index + 1
        }
        return JournalContents(entries: entries, completeLength: completeLength, tornBytes: bytes.count - completeLength)
    }

    /// The journal of the message in `directory`.
    func readJournal(_ directory: Int32, key: String) throws(OutboxError) -> JournalContents
    {
        let location = "\(messagePath(key))/journal.ndjson"
        guard let bytes = try OutboxIO.readFile(directory, "journal.ndjson", path: location) else {
            throw OutboxError(code: .corrupt, message: "message \(key) has no journal (\(location))", path: location)
        }
        return Self.parseJournal(bytes)
    }

    /// Appends one record with a single `write(2)` on an `O_APPEND` descriptor; fsyncs it when `sync`.
    func append(_ entry: JournalEntry, to directory: Int32, key: String, sync: Bool) throws(OutboxError) {
        let location = "\(messagePath(key))/journal.ndjson"
        let fd = try openJournalForAppending(directory, key: key)
        defer { close(fd) }
        try write(entry, to: fd, location: location, sync: sync)
    }

    /// Appends one record through the claim's own journal descriptor.
    func append(_ entry: JournalEntry, under claim: Claim, sync: Bool) throws(OutboxError) {
        let fd = try claim.journal { directory throws(OutboxError) in
            try openJournalForAppending(directory, key: claim.key)
        }
        guard let fd else { throw Self.released(claim) }
        try write(entry, to: fd, location: "\(messagePath(claim.key))/journal.ndjson", sync: sync)
    }

    private func openJournalForAppending(_ directory: Int32, key: String) throws(OutboxError) -> Int32 {
        try OutboxIO.openFile(
            directory, "journal.ndjson", flags: O_WRONLY | O_APPEND, path: "\(messagePath(key))/journal.ndjson")
    }

    private func write(_ entry: JournalEntry, to fd: Int32, location: String, sync: Bool) throws(OutboxError) {
        try OutboxIO.writeAll(fd, entry.jsonLine, path: location)
        if sync { try OutboxIO.fsyncFile(fd, path: location) }
    }

    private static func released(_ claim: Claim) -> OutboxError {
        OutboxError(
            code: .notClaimed, message: "the claim on \(claim.eventID) was released; claim the message again")
    }

    /// Journals `attempt-started` before the message is handed to a server; returns the attempt number.
    ///
    /// With `sync: false` (the default) the record is written but flushed lazily, by the next synced
    /// record or ``sync()``: if the machine (not just the process) crashes before that, recovery may
    /// not see the attempt and the message stays deliverable, so it might be sent twice. A process
    /// crash alone loses nothing (the record is in the page cache).
    @discardableResult
    public func beginAttempt(_ claim: Claim, sync: Bool = false) throws(OutboxError) -> Int {
        let tally = claim.tally.withLock { $0 }
        let number = tally.started + 1
        let entry = JournalEntry(
            time: now(), kind: .attemptStarted, state: tally.state, attempt: number, pid: getpid())
        try append(entry, under: claim, sync: sync)
        claim.tally.withLock {
            $0.started = number
            $0.lastStarted = number
        }
        return number
    }

    /// Journals the result of the attempt begun last, and the state it leads to.
    ///
    /// `nextAttemptAt` belongs with `.deferred`. Synced by default: a `sent` that is lost would mean a
    /// second email.
    public func recordAttempt(
        _ claim: Claim, result: AttemptRecord, newState: MessageState, nextAttemptAt: Date?, sync: Bool = true
    ) throws(OutboxError) {
        let tally = claim.tally.withLock { $0 }
        let number = tally.lastStarted ?? tally.finished + 1
        let entry = JournalEntry(
            time: now(), kind: .attempt, state: newState, attempt: number,
            durationMs: result.durationMilliseconds, reply: result.reply.map(JournalEntry.Reply.init),
            classification: result.classification, nextAttemptAt: nextAttemptAt,
            detail: result.detail.isEmpty ? nil : result.detail)
        try append(entry, under: claim, sync: sync)
        claim.tally.withLock {
            $0.state = newState
            $0.finished += 1
        }
    }

    /// Journals a state change outside an attempt, e.g. `held -> queued` before a replay.
    /// `nextAttemptAt` belongs with `.deferred`: without it a deferred message has no retry time.
    public func transition(_ claim: Claim, to state: MessageState, reason: String, nextAttemptAt: Date? = nil,
                           sync: Bool = true) throws(OutboxError)
    {
        let entry = JournalEntry(time: now(), kind: .state, state: state, nextAttemptAt: nextAttemptAt, detail: reason)
        try append(entry, under: claim, sync: sync)
        claim.tally.withLock { $0.state = state }
    }

    /// Flushes everything written so far, for callers that journaled with `sync: false`.
    public func sync() throws(OutboxError) {
        try OutboxIO.syncFilesystem(rootFD, path: path)
    }
}
