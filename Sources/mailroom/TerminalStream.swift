import SystemPackage
import Synchronization

/// Standard output or standard error, written with write(2) so that a failed write is an error
/// value and never a crash (Foundation's `FileHandle.write` traps on EPIPE, EBADF and ENOSPC).
///
/// A reader that went away (`| head`), a full disk (`2>/dev/full`) or a closed descriptor must not
/// stop the delivery: after the first failure the stream is marked broken and later writes are
/// dropped, so the run goes on and its exit code stays the delivery's.
final class TerminalStream: Sendable {
    static let standardOutput = TerminalStream(.standardOutput, name: "standard output")
    static let standardError = TerminalStream(.standardError, name: "standard error")

    private let descriptor: FileDescriptor
    let name: String
    /// The first write error, once there was one; nothing is written after it.
    private let failure = Mutex<Errno?>(nil)

    private init(_ descriptor: FileDescriptor, name: String) {
        self.descriptor = descriptor
        self.name = name
    }

    /// Writes all of `bytes` unless the stream is broken; returns false when nothing more can be written.
    @discardableResult
    func write(_ bytes: some Sequence<UInt8>) -> Bool {
        failure.withLock { failure in
            guard failure == nil else { return false }
            do {
                _ = try descriptor.writeAll(bytes)
                return true
            } catch {
                failure = error as? Errno ?? .ioError
                return false
            }
        }
    }

    /// The error that broke the stream, if one did.
    var error: Errno? { failure.withLock { $0 } }
}
