import SystemPackage

/// Reading an event stream failed (not: an event in it was invalid, see ``EventValidationError``).
public struct EventStreamError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, Equatable {
        /// `read(2)` failed; ``errno`` says why (EBADF, EIO, EISDIR, ...).
        case readFailed
    }

    public var code: Code
    /// What went wrong, for the operator.
    public var message: String
    /// The underlying system error.
    public var errno: Errno

    public init(code: Code, message: String, errno: Errno) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
