import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Mailroom

/// A fresh directory under the system temp dir, removed when the test ends.
public final class TemporaryDirectory: @unchecked Sendable {
    public let path: String

    public init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("mailroom-outbox-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        chmod(path, 0o700)
    }

    /// The outbox directory inside (not created).
    public var outboxPath: String { "\(path)/outbox" }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

public enum OutboxFixtures {
    /// A message whose bytes include every octet value, to prove bytes are kept exactly.
    public static func message(
        _ id: String, state: MessageState = .queued, source: String? = nil, line: Int? = nil
    ) -> NewMessage {
        var bytes = Array("From: Example Accounts <accounts@example.com>\r\nTo: ada@example.com\r\n\r\n".utf8)
        bytes += (0...255).map { UInt8($0) } + Array("\r\n.\r\n".utf8)
        let event = Array(#"{"id": "\#(id)", "type": "account.closed", "note": "ünïcödé"}"#.utf8)
        return NewMessage(
            eventID: id, eventType: "account.closed", template: "retention-notice", locale: "de-DE",
            sourceEvent: event,
            composed: ComposedMessage(
                envelope: Envelope(sender: "accounts@example.com", recipients: ["ada@example.com"]),
                messageID: "<\(id)@mail.example.com>", bytes: bytes),
            initialState: state, source: source, line: line)
    }

    /// Permission bits of a path, not following a final symlink.
    public static func mode(_ path: String) -> mode_t {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return info.st_mode & 0o7777
    }

    public static func contents(_ path: String) -> [UInt8]? {
        FileManager.default.contents(atPath: path).map { [UInt8]($0) }
    }

    public static func append(_ text: String, to path: String) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(text.utf8))
    }

    public static func entries(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
    }
}
