import Glibc

/// Everything that can go wrong in the outbox, with the path involved and the system's reason.
///
/// `message` names the offending path or value and says what to do; `errno` keeps the raw cause so a
/// caller can tell "disk full" from "permission denied" without parsing text.
public struct OutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The outbox directory is a symlink, not a directory, or group/world-writable.
        case unsafeDirectory = "unsafe-directory"
        /// The event id cannot name a message (empty, too long or outside the contract's alphabet).
        case invalidEventID = "invalid-event-id"
        /// No message with that event id is stored.
        case notFound = "not-found"
        /// A stored file is unreadable as JSON, or a message directory lacks a file.
        case corrupt
        /// The claim was already released, or belongs to another message.
        case notClaimed = "not-claimed"
        /// A system call failed; see `errno`.
        case io
    }

    public var code: Code
    public var message: String
    /// The file or directory concerned, when there is one.
    public var path: String?
    /// The `errno` of the failing system call, when one failed.
    public var errno: Int32?

    public init(code: Code, message: String, path: String? = nil, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.errno = errno
    }

    /// The system's text for `errno`, e.g. "No space left on device".
    public var underlying: String? {
        errno.map { String(cString: strerror($0)) }
    }

    public var description: String {
        var text = "outbox: \(message)"
        if let underlying { text += ": \(underlying)" }
        return text
    }

    /// A failed system call on `path`; reads the current `errno`.
    static func system(_ call: String, _ path: String, errno code: Int32 = Glibc.errno) -> OutboxError {
        OutboxError(code: .io, message: "\(call) failed on \(path)", path: path, errno: code)
    }
}
