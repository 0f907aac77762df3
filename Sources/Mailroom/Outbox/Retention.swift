import Foundation

/// What ``OutboxStore/prune(_:)`` is to do: redact terminal messages stored before one time,
/// delete those stored before another.
///
/// Times, not ages, so the caller's clock decides (and a test's manual one).
public struct PruneRequest: Sendable {
    /// Terminal messages (``RetentionPolicy/terminalStates``) stored before this lose their
    /// personal data; nil: none.
    public var redactBefore: Date?
    /// Terminal messages stored before this are deleted with their journal; rejected input lines
    /// recorded before it too; nil: none.
    public var deleteBefore: Date?
    /// The keyed hash kept for a redacted message's recipient, and the digest of its bytes.
    public var hashes: RedactionHashes
    /// Count what would be done; change nothing.
    public var dryRun: Bool
    /// Messages per transaction: each batch is committed on its own, so a long prune neither holds
    /// the writer for long nor loses what it did when stopped.
    public var batchSize: Int

    public init(redactBefore: Date?, deleteBefore: Date?, hashes: RedactionHashes, dryRun: Bool = false,
                batchSize: Int = 500) {
        self.redactBefore = redactBefore
        self.deleteBefore = deleteBefore
        self.hashes = hashes
        self.dryRun = dryRun
        self.batchSize = max(1, batchSize)
    }
}

/// The two hashes redaction keeps, given by the caller so every engine keeps the same values.
public struct RedactionHashes: Sendable {
    /// The recipient's address (lower-cased by the caller's function), keyed: only someone who
    /// has the key and knows an address can tell whether a message went to it.
    public var recipient: @Sendable (String) -> String
    /// The SHA-256 of the exact bytes sent, in hex: proof of what was sent, without the text.
    public var content: @Sendable ([UInt8]) -> String

    public init(recipient: @escaping @Sendable (String) -> String, content: @escaping @Sendable ([UInt8]) -> String) {
        self.recipient = recipient
        self.content = content
    }
}

/// What a prune did (or, dry, would do).
public struct PruneReport: Sendable, Equatable {
    public var redacted = 0
    public var deleted = 0
    /// Rejected input lines whose excerpt was cleared, and those deleted.
    public var rejectedRedacted = 0
    public var rejectedDeleted = 0
    /// `uncertain` messages old enough to redact that are left alone: each waits for an operator
    /// to decide whether to send it again.
    public var uncertainKept = 0

    public init() {}
}

/// The retention policy of the configuration (`retention.*`) and the rules every engine applies.
public struct RetentionPolicy: Sendable, Equatable {
    /// How long after it was stored a terminal message keeps its personal data.
    public var redactAfter: Duration?
    /// How long after it was stored a terminal message is kept at all.
    public var deleteAfter: Duration?
    /// A file holding the key of the recipients' keyed hash (at least 32 bytes, mode 600).
    public var hashKeyFile: String?

    public init(redactAfter: Duration? = nil, deleteAfter: Duration? = nil, hashKeyFile: String? = nil) {
        self.redactAfter = redactAfter
        self.deleteAfter = deleteAfter
        self.hashKeyFile = hashKeyFile
    }

    /// States a message never leaves on its own: only these are redacted or deleted. `uncertain`
    /// is not one (it waits for an operator), nor is anything not yet delivered.
    public static let terminalStates: [MessageState] = [.sent, .failed, .expired]

    /// The request for a prune at `now`.
    public func request(now: Date, hashes: RedactionHashes, dryRun: Bool) -> PruneRequest {
        PruneRequest(redactBefore: redactAfter.map { now.addingTimeInterval(-$0.seconds) },
                     deleteBefore: deleteAfter.map { now.addingTimeInterval(-$0.seconds) },
                     hashes: hashes, dryRun: dryRun)
    }
}

/// What a redacted message keeps instead of its personal data.
public struct Redaction: Sendable, Equatable {
    public var redactedAt: Date
    /// ``RedactionHashes/recipient`` of each recipient, in order.
    public var recipientHashes: [String]
    /// ``RedactionHashes/content`` of the bytes that were stored and sent.
    public var contentSHA256: String

    public init(redactedAt: Date, recipientHashes: [String], contentSHA256: String) {
        self.redactedAt = redactedAt
        self.recipientHashes = recipientHashes
        self.contentSHA256 = contentSHA256
    }
}
