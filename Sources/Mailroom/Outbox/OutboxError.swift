#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Everything that can go wrong in the outbox, with what is concerned and the underlying cause.
///
/// `message` names the offending path or value and says what to do; `errno` keeps the system's
/// cause when there is one, and `underlying` the engine's own text (never a stored value or a
/// secret), so a caller can tell "disk full" from "permission denied" without parsing text.
public struct OutboxError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// The outbox directory is a symlink, not a directory, or group/world-writable.
        case unsafeDirectory = "unsafe-directory"
        /// The store cannot be opened with these settings (a URL it does not know, a schema newer
        /// than this Mailroom).
        case unusable
        /// No message with that event id is stored.
        case notFound = "not-found"
        /// The lease was released, expired and was taken over, or belongs to another message.
        case notClaimed = "not-claimed"
        /// The store stayed locked by another process past the busy timeout.
        case busy
        /// The disk or the database is full.
        case full
        /// The store is read-only (a read-only filesystem or file).
        case readOnly = "read-only"
        /// The database is damaged or not a database.
        case corrupt
        /// Any other failure to read or write the store.
        case io
    }

    public var code: Code
    public var message: String
    /// The file, directory or database concerned, when there is one.
    public var path: String?
    /// The `errno` of the failing system call, when one failed.
    public var errno: Int32?
    /// The engine's explanation, e.g. "database or disk is full".
    public var engineReason: String?

    public init(code: Code, message: String, path: String? = nil, errno: Int32? = nil, engineReason: String? = nil) {
        self.code = code
        self.message = message
        self.path = path
        self.errno = errno
        self.engineReason = engineReason
    }

    /// True when the store could not record something: the run must stop, nothing unrecorded may
    /// be sent, and the exit code is 74.
    public var isStorageFailure: Bool {
        switch code {
        case .busy, .full, .readOnly, .corrupt, .io: true
        case .unsafeDirectory, .unusable, .notFound, .notClaimed: false
        }
    }

    /// The system's text for `errno`, e.g. "No space left on device", or the engine's reason.
    public var underlying: String? {
        if let errno, errno != 0 { return String(cString: strerror(errno)) }
        return engineReason
    }

    public var description: String {
        var text = "outbox: \(message)"
        if let underlying { text += ": \(underlying)" }
        return text
    }

    /// A failed system call on `path`; reads the current `errno`.
    package static func system(_ call: String, _ path: String, errno code: Int32 = currentErrno) -> OutboxError {
        OutboxError(code: code == ENOSPC ? .full : code == EROFS ? .readOnly : .io,
                    message: "\(call) failed on \(path)", path: path, errno: code)
    }
}

/// The calling thread's `errno`, whichever C library names it.
package var currentErrno: Int32 {
    #if canImport(Glibc)
    Glibc.errno
    #elseif canImport(Darwin)
    Darwin.errno
    #endif
}
