import Foundation
import Glibc

/// The outbox: one directory that is both the delivery queue and the audit trail.
///
/// Layout (everything is plain files, readable with `cat`, `jq` and `ls`):
///
/// ```
/// outbox/                      0700; refused if a symlink or group/world-writable
///   messages/<key>/            one directory per stored message (0700); `flock`ed by the process
///                              delivering it
///     message.eml              the exact bytes sent over SMTP (CRLF)
///     event.json               the source event line, exact bytes
///     meta.json                event id, type, template, locale, envelope, message-id, created time, size
///     journal.ndjson           append-only history, one JSON object per line; the last line's
///                              `state` is the message's state
///   tmp/<pid>-<random>/        a message being written; renamed to messages/<key> when durable
///   quarantine/                broken message directories and leftovers moved aside by recovery
///   rejected.ndjson            invalid input: time, source, line, event id, problems, excerpt
///   duplicates.ndjson          events whose id was already stored: time, event id, source, line
/// ```
///
/// `<key>` is the event id, except that a leading `.` and any byte outside `A-Za-z0-9._:-` are
/// percent-encoded (see ``OutboxKey``). All files are `0600`, all directories `0700`, set explicitly.
/// No symlink inside the outbox is ever followed.
///
/// Guarantees:
/// - ``store(_:)-([NewMessage])`` returns only after the message files and their directory entry are
///   on disk; the atomic rename into `messages/` is also the idempotency check, across runs and
///   processes alike.
/// - Every state change is one appended journal line; the journal is never rewritten, only a torn
///   last line is truncated by ``recover()``.
/// - ``claim(eventID:allowing:)`` hands a message to one deliverer at a time; the lease dies with
///   the process. An attempt journaled as started but never finished is `uncertain` after recovery.
///
/// Instances are `Sendable`; every call is a self-contained sequence of system calls.
public final class Outbox: Sendable {
    /// How a batch of stores is made durable before the renames that publish it.
    public enum SyncMode: String, Sendable, CaseIterable {
        /// `fsync` every file and every message directory, then the `messages/` directory once.
        case eachFile
        /// One `syncfs(2)` for the whole batch, then an `fsync` of `messages/` once. It also flushes
        /// unrelated dirty data on the same filesystem, which can make it slower on a busy machine.
        case filesystem
    }

    /// The outbox directory as given.
    public let path: String
    public let syncMode: SyncMode
    let clock: @Sendable () -> Date
    let rootFD: Int32
    let messagesFD: Int32
    let tmpFD: Int32
    let quarantineFD: Int32

    static let messageFiles = ["message.eml", "event.json", "meta.json", "journal.ndjson"]

    /// Opens (creating when `create` and missing) the outbox at `path`.
    ///
    /// Refuses a path that is a symlink, not a directory, or writable by group or others; an outbox
    /// holds personal data and its journal decides what gets sent. Does not run ``recover()``: call
    /// it once before delivering.
    public init(
        path: String, create: Bool = true, syncMode: SyncMode = .eachFile,
        clock: @escaping @Sendable () -> Date = { Date() }
    ) throws(OutboxError) {
        let root = try Self.openRoot(path, create: create)
        var opened: [Int32] = [root]
        do throws(OutboxError) {
            for name in ["messages", "tmp", "quarantine"] {
                opened.append(try OutboxIO.makeDirectory(root, name, path: "\(path)/\(name)", reuse: true))
            }
        } catch {
            opened.forEach { close($0) }
            throw error
        }
        self.path = path
        self.syncMode = syncMode
        self.clock = clock
        self.rootFD = root
        self.messagesFD = opened[1]
        self.tmpFD = opened[2]
        self.quarantineFD = opened[3]
    }

    deinit {
        [rootFD, messagesFD, tmpFD, quarantineFD].forEach { close($0) }
    }

    private static func openRoot(_ path: String, create: Bool) throws(OutboxError) -> Int32 {
        var info = stat()
        if lstat(path, &info) != 0 {
            guard errno == ENOENT, create else { throw .system("stat", path) }
            if mkdir(path, OutboxIO.directoryMode) != 0 && errno != EEXIST { throw .system("mkdir", path) }
            if chmod(path, OutboxIO.directoryMode) != 0 { throw .system("chmod", path) }
        }
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ELOOP || errno == ENOTDIR {
                throw OutboxError(
                    code: .unsafeDirectory, message: "outbox \(path) is a symlink or not a directory; give the real directory",
                    path: path, errno: errno)
            }
            throw .system("open", path)
        }
        // Checked on the opened descriptor, so a swap between the checks and the open cannot fool us.
        guard fstat(fd, &info) == 0 else {
            let error = OutboxError.system("stat", path)
            close(fd)
            throw error
        }
        if info.st_mode & (S_IWGRP | S_IWOTH) != 0 {
            close(fd)
            let mode = String(info.st_mode & 0o777, radix: 8)
            throw OutboxError(
                code: .unsafeDirectory,
                message: "outbox \(path) is writable by group or others (mode \(mode)); run chmod 700 \(path)",
                path: path)
        }
        return fd
    }

    func messagePath(_ key: String) -> String { "\(path)/messages/\(key)" }

    func now() -> Date { clock() }
}
