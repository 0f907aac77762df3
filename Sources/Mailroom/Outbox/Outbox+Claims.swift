import Glibc

/// Leasing messages to one deliverer at a time.
extension Outbox {
    /// The states a message may be delivered from without `--force`.
    public static let deliverableStates: Set<MessageState> = [.queued, .held, .deferred]

    /// Claims the message for delivery, or returns nil when another process or instance holds it, or
    /// its state (read after locking) is not in `allowing`.
    ///
    /// The lease is a `flock(LOCK_EX|LOCK_NB)` on the directory `messages/<key>`: it ends with ``Claim/release()``,
    /// with the claim's deinit, or with the process. A message found with an unfinished attempt is
    /// first made `uncertain` (the process that started it is gone), so it is not resent blindly.
    /// Pass `allowing: [.sent, .uncertain, ...]` for a forced replay.
    ///
    /// With `wait`, blocks until the lock is free instead of returning nil, then decides by the
    /// state: for a caller that must not mistake a brief lock (another process's recovery, or a
    /// claim attempt it then dropped) for another deliverer.
    public func claim(eventID: String, allowing: Set<MessageState> = Outbox.deliverableStates, wait: Bool = false)
        throws(OutboxError) -> Claim?
    {
        let key = try OutboxKey.make(for: eventID)
        let location = messagePath(key)
        let directory = try openMessage(key, eventID: eventID)
        var handedOver = false
        defer { if !handedOver { close(directory) } }
        guard try OutboxIO.lockExclusive(directory, wait: wait, path: location) else { return nil }
        var journal = try readJournal(directory, key: key)
        if try settleUnfinishedAttempt(journal, in: directory, key: key) {
            journal = try readJournal(directory, key: key)
        }
        guard let state = journal.entries.last?.state, allowing.contains(state) else { return nil }
        handedOver = true
        let attempts = journal.entries.filter { $0.kind == .attemptStarted }.count
        let tally = Claim.JournalTally(
            state: state, started: attempts,
            lastStarted: journal.entries.last { $0.kind == .attemptStarted }?.attempt,
            finished: journal.entries.filter { $0.kind == .attempt }.count)
        return Claim(eventID: eventID, key: key, state: state, previousAttempts: attempts, directory: directory, tally: tally)
    }

    /// Opens `messages/<key>`, turning "no such directory" into `notFound`.
    func openMessage(_ key: String, eventID: String) throws(OutboxError) -> Int32 {
        let location = messagePath(key)
        let fd = openat(messagesFD, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT {
                throw OutboxError(
                    code: .notFound, message: "no message for event \(eventID) in \(path)", path: location, errno: ENOENT)
            }
            throw .system("open", location)
        }
        return fd
    }

    /// With the message's lock held: journals `uncertain` when the last record is an attempt that was
    /// started and never finished. Returns true when it did.
    func settleUnfinishedAttempt(_ journal: JournalContents, in directory: Int32, key: String) throws(OutboxError)
        -> Bool
    {
        guard let last = journal.entries.last, last.kind == .attemptStarted else { return false }
        let by = last.pid.map { " by process \($0)" } ?? ""
        let entry = JournalEntry(
            time: now(), kind: .state, state: .uncertain, attempt: last.attempt,
            detail: "attempt \(last.attempt ?? 0) started at \(OutboxCoding.string(last.time))\(by) has no result "
                + "and no live claim; the message may have been sent")
        try append(entry, to: directory, key: key, sync: true)
        return true
    }
}
