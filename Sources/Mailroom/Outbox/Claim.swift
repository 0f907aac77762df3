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

    init(eventID: String, key: String, state: MessageState, previousAttempts: Int, descriptor: Int32) {
        self.eventID = eventID
        self.key = key
        self.state = state
        self.previousAttempts = previousAttempts
        self.descriptor = Mutex(descriptor)
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
