import Glibc
import Synchronization

/// An exclusive lease on one stored message, held as a `flock` on its `lock` file.
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
    private let descriptor: Mutex<Int32>

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

    init(eventID: String, key: String, state: MessageState, previousAttempts: Int, descriptor: Int32,
         tally: JournalTally? = nil) {
        self.eventID = eventID
        self.key = key
        self.state = state
        self.previousAttempts = previousAttempts
        self.descriptor = Mutex(descriptor)
        self.tally = Mutex(tally ?? JournalTally(state: state, started: previousAttempts, lastStarted: nil, finished: 0))
    }

    /// False once released.
    public var isHeld: Bool {
        descriptor.withLock { $0 >= 0 }
    }

    /// Ends the lease; later calls do nothing.
    public func release() {
        descriptor.withLock { fd in
            if fd >= 0 {
                close(fd)
                fd = -1
            }
        }
    }

    deinit {
        release()
    }
}
