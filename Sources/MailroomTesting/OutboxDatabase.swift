import Foundation

/// Reads an outbox's SQLite database with the `sqlite3` command-line shell, not with Mailroom's
/// own store: what a test sees there is what an operator's ad-hoc query would see.
public struct OutboxDatabase: Sendable {
    public let path: String

    /// The database of the outbox in `directory`.
    public init(outbox directory: String) {
        self.path = directory + "/outbox.sqlite"
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }

    /// The rows of `sql`, each a JSON object by column name (`sqlite3 -json`).
    public func rows(_ sql: String) throws -> [[String: Any]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = ["-json", "-bail", path, sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw Failure(description: "sqlite3 \(path): \(String(decoding: problem, as: UTF8.self))")
        }
        guard !data.allSatisfy({ $0 == 0x0A || $0 == 0x20 }) else { return [] }
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw Failure(description: "sqlite3 \(path): not a JSON array")
        }
        return rows
    }

    /// A string as an SQL literal that no content can break out of: `CAST(X'...' AS TEXT)`.
    public static func literal(_ text: String) -> String {
        "CAST(X'" + text.utf8.map { String(format: "%02X", $0) }.joined() + "' AS TEXT)"
    }

    /// The exact stored bytes of the message for `eventID`, or nil.
    public func messageBytes(_ eventID: String) throws -> [UInt8]? {
        let rows = try self.rows("""
            SELECT hex(c.bytes) AS hex FROM message_content c JOIN messages m ON m.id = c.message
            WHERE m.event_id = \(Self.literal(eventID))
            """)
        guard let hex = rows.first?["hex"] as? String else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for digit in hex.utf8 {
            let value = digit <= 0x39 ? digit - 0x30 : digit - 0x41 + 10
            if let first = high {
                bytes.append(first << 4 | value)
                high = nil
            } else {
                high = value
            }
        }
        return bytes
    }

    /// The journal of `eventID`, oldest first, with the column names as keys.
    public func journal(_ eventID: String) throws -> [[String: Any]] {
        try rows("""
            SELECT j.* FROM journal j JOIN messages m ON m.id = j.message
            WHERE m.event_id = \(Self.literal(eventID)) ORDER BY j.id
            """)
    }
}
