import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Who holds a lease: a process on a host, named so that any process can tell whether it is
/// still alive.
///
/// The id is `host/pid/start`, where `start` is the process's start time in clock ticks since
/// boot (`/proc/PID/stat`), so that a new process that happens to reuse a dead one's pid is not
/// mistaken for it.
public struct LeaseOwner: Sendable, Hashable, CustomStringConvertible {
    public let id: String

    public init(id: String) {
        self.id = id
    }

    /// This process.
    public static let current = LeaseOwner(host: hostName, pid: getpid(), start: startTime(of: getpid()) ?? 0)

    init(host: String, pid: pid_t, start: UInt64) {
        self.id = "\(host)/\(pid)/\(start)"
    }

    public var description: String { id }

    /// The parts of the id, when it has the `host/pid/start` form.
    var parts: (host: String, pid: pid_t, start: UInt64)? {
        let fields = id.split(separator: "/", omittingEmptySubsequences: false)
        guard fields.count == 3, let pid = pid_t(fields[1]), let start = UInt64(fields[2]) else { return nil }
        return (String(fields[0]), pid, start)
    }

    /// Whether the owner runs on this host and is alive; nil when it belongs to another host (only
    /// its lease's expiry can tell then).
    public var isAliveOnThisHost: Bool? {
        guard let parts, parts.host == Self.hostName else { return nil }
        guard kill(parts.pid, 0) == 0 || errno == EPERM else { return false }
        guard let start = Self.startTime(of: parts.pid) else { return true }
        return parts.start == 0 || start == parts.start
    }

    public static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? "localhost" : name.replacingOccurrences(of: "/", with: "_")
    }()

    /// Field 22 of `/proc/PID/stat`, read after the command name (which may hold spaces and
    /// parentheses, so the fields are counted from its last `)`).
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After ")": state is field 3, so start time (field 22) is the 20th.
        guard fields.count >= 20 else { return nil }
        return UInt64(fields[19])
    }
}

/// A claim on one stored message for one owner, until it is released or expires.
///
/// Only the store hands out leases. Every write made under a lease checks, in its transaction,
/// that the lease is still this owner's: a lease taken over after its owner was presumed dead
/// cannot be written through by a late original owner.
public struct Lease: Sendable, Hashable {
    public let eventID: String
    public let owner: LeaseOwner
    /// The state the message had when it was leased.
    public let state: MessageState
    /// Attempts started before this lease.
    public let previousAttempts: Int
    /// The engine's own reference to the message (a row id).
    package let token: Int64

    package init(eventID: String, owner: LeaseOwner, state: MessageState, previousAttempts: Int, token: Int64) {
        self.eventID = eventID
        self.owner = owner
        self.state = state
        self.previousAttempts = previousAttempts
        self.token = token
    }
}

/// A leased message with what delivering it needs.
public struct ClaimedMessage: Sendable {
    public let lease: Lease
    public let message: ComposedMessage
    /// When the message was stored: the retry lifetime counts from here.
    public let storedAt: Date

    package init(lease: Lease, message: ComposedMessage, storedAt: Date) {
        self.lease = lease
        self.message = message
        self.storedAt = storedAt
    }
}

/// A stored message's exact bytes and where they came from.
public struct StoredContent: Sendable, Equatable {
    public let message: ComposedMessage
    /// The source event line exactly as read.
    public let event: [UInt8]

    package init(message: ComposedMessage, event: [UInt8]) {
        self.message = message
        self.event = event
    }
}
