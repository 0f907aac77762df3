import Glibc
import Synchronization

/// An exclusive lease on one stored message, held as a `flock` on its directory.
///
/// The claim keeps the message's directory open (it is what is locked) and, once something was
/// journaled, its journal open for appending, so journaling an attempt costs one `write(2)` and
/// no `open`/`close` pairs.
///
/// While a claim is alive no other ``Outbox`` instance, in this process or another, can claim the
/// message, and ``Outbox/recover()`` leaves it alone. The lease ends when the claim is released or
/// deinitialised, and the kernel ends it when the process dies, so a crash never leaves a message
/// locked. Only the outbox makes claims, and only for messages in a state the caller allowed.
public final class Claim: Sendable {
    public let eventID: String
    public let key: String
    /// The state read after the lock was taken.
    public let state: MessageState
    /// Attempts started before this claim.
    public let previousAttempts: Int
    private let descriptors: Mutex<Descriptors>

    /// The open files of a live claim; -1 when closed.
    private struct Descriptors {
        /// `messages/<key>`, open and `flock`ed.
        var directory: Int32
        /// `journal.ndjson`, `O_WRONLY | O_APPEND`, opened on first use.
        var journal: Int32 = -1
    }

    /// What the journal says, kept current by the appends made under this claim.
    ///
    /// While the lease is held no one else appends to the message's journal, so this copy is
    /// exact, and journaling an attempt need not re-read and re-decode the whole journal (which it
    /// did twice per message; see BENCHMARKS.md).
    struct JournalTally: Sendable {
        /// The last record's state.
        var state: MessageState
        /// `attempt-started` records.
        var started: Int
        /// The number of the last `attempt-started` record, if any.
        var lastStarted: Int?
        /// `attempt` (result) records.
        var finished: Int
    }

    let tally: Mutex<JournalTally>

    /// - Parameters:
    ///   - directory: the message's directory, open and locked; the claim closes it.
    ///   - journal: its journal, already open `O_WRONLY | O_APPEND` (or -1: opened on first use);
    ///     the claim closes it.
    init(eventID: String, key: String, state: MessageState, previousAttempts: Int, directory: Int32,
         journal: Int32 = -1, tally: JournalTally? = nil) {
        self.eventID = eventID
        self.key = key
        self.state = state
        self.previousAttempts = previousAttempts
        self.descriptors = Mutex(Descriptors(directory: directory, journal: journal))
        self.tally = Mutex(tally ?? JournalTally(state: state, started: previousAttempts, lastStarted: nil, finished: 0))
    }

    /// False once released.
    public var isHeld: Bool {
        descriptors.withLock { $0.directory >= 0 }
    }

    /// The journal's append descriptor, opened by `open` the first time; nil once released.
    func journal(_ open: (Int32) throws(OutboxError) -> Int32) throws(OutboxError) -> Int32? {
        let current = descriptors.withLock { $0 }
        guard current.directory >= 0 else { return nil }
        if current.journal >= 0 { return current.journal }
        let opened = try open(current.directory)
        let kept = descriptors.withLock { handles -> Bool in
            guard handles.directory >= 0, handles.journal < 0 else { return false }
            handles.journal = opened
            return true
        }
        if !kept { close(opened) }
        return kept ? opened : descriptors.withLock { $0.journal >= 0 ? $0.journal : nil }
    }

    /// Ends the lease; later calls do nothing.
    public func release() {
        descriptors.withLock { handles in
            if handles.journal >= 0 {
                close(handles.journal)
                handles.journal = -1
            }
            if handles.directory >= 0 {
                close(handles.directory)
                handles.directory = -1
            }
        }
    }

    deinit {
        release()
    }
}
