import Foundation
import GRDB
import Mailroom

/// The retention policy: redaction and deletion of terminal messages, a batch per transaction,
/// each batch found through a partial index that holds only what is left to do.
extension SQLiteOutboxStore {
    public func prune(_ request: PruneRequest) throws(OutboxError) -> PruneReport {
        var report = PruneReport()
        if request.dryRun { return try dryRun(request) }
        if let before = request.deleteBefore?.milliseconds {
            report.deleted = try batches("delete old messages from", request.batchSize) { db, limit in
                let ids = try Int64.fetchAll(db, sql: """
                    SELECT id FROM messages INDEXED BY messages_terminal
                    WHERE \(SQLiteSchema.terminalStatesSQL) AND created_at < ? ORDER BY created_at LIMIT ?
                    """, arguments: [before, limit])
                guard !ids.isEmpty else { return 0 }
                // The journal and the content go with the message (ON DELETE CASCADE).
                try db.execute(sql: "DELETE FROM messages WHERE id IN (\(Self.placeholders(ids.count)))",
                               arguments: StatementArguments(ids))
                return ids.count
            }
            report.rejectedDeleted = try batches("delete old rejected events from", request.batchSize) { db, limit in
                try db.execute(sql: """
                    DELETE FROM rejected WHERE id IN (SELECT id FROM rejected INDEXED BY rejected_by_time
                                                      WHERE time < ? ORDER BY time LIMIT ?)
                    """, arguments: [before, limit])
                return db.changesCount
            }
        }
        if let before = request.redactBefore?.milliseconds {
            let now = self.now()
            report.redacted = try batches("redact messages in", request.batchSize) { db, limit in
                let rows = try Row.fetchAll(db, sql: """
                    SELECT m.id, m.recipients, m.state, c.bytes FROM messages m INDEXED BY messages_unredacted_terminal
                    JOIN message_content c ON c.message = m.id
                    WHERE m.redacted_at IS NULL AND m.\(SQLiteSchema.terminalStatesSQL) AND m.created_at < ?
                    ORDER BY m.created_at LIMIT ?
                    """, arguments: [before, limit])
                for row in rows { try Self.redact(db, row, hashes: request.hashes, at: now) }
                return rows.count
            }
            report.rejectedRedacted = try batches("redact rejected events in", request.batchSize) { db, limit in
                // A problem may quote the value it refuses (an address): only its path is kept.
                try db.execute(sql: """
                    UPDATE rejected SET excerpt = '',
                        problems = (SELECT json_group_array(CASE WHEN instr(value, ':') > 0
                                                                 THEN substr(value, 1, instr(value, ':') - 1) ELSE value END)
                                    FROM json_each(rejected.problems))
                    WHERE id IN (SELECT id FROM rejected INDEXED BY rejected_unredacted WHERE excerpt <> '' AND time < ? LIMIT ?)
                    """, arguments: [before, limit])
                return db.changesCount
            }
            report.uncertainKept = try uncertainCount(before: before)
        }
        // The old pages of what was removed must not stay readable in the WAL file either.
        do {
            try pool.writeWithoutTransaction { db in _ = try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        } catch {
            throw Self.failure(error, doing: "checkpoint", path: databasePath)
        }
        return report
    }

    /// One message's redaction, in the batch's transaction.
    private static func redact(_ db: Database, _ row: Row, hashes: RedactionHashes, at now: Date) throws {
        let id: Int64 = row["id"]
        let recipients = (row["recipients"] as String).components(separatedBy: ", ").filter { !$0.isEmpty }
        let bytes: Data = row["bytes"]
        let digest = hashes.content([UInt8](bytes))
        let recipientHashes = recipients.map { hashes.recipient($0.lowercased()) }
        // A relay's reply or a transport error may quote the address: every copy goes.
        for address in Set(recipients + recipients.map { $0.lowercased() }) {
            try db.execute(sql: """
                UPDATE journal SET reply_text = replace(reply_text, ?1, '[redacted]'), detail = replace(detail, ?1, '[redacted]')
                WHERE message = ?2 AND (instr(reply_text, ?1) > 0 OR instr(detail, ?1) > 0)
                """, arguments: [address, id])
            try db.execute(sql: """
                UPDATE messages SET last_reply_text = replace(last_reply_text, ?1, '[redacted]'),
                                    last_detail = replace(last_detail, ?1, '[redacted]') WHERE id = ?2
                """, arguments: [address, id])
        }
        try db.execute(sql: """
            UPDATE messages SET recipients = '', recipient_hash = ?, content_sha256 = ?, redacted_at = ? WHERE id = ?
            """, arguments: [recipientHashes.joined(separator: ", "), digest, now.milliseconds, id])
        try db.execute(sql: "UPDATE message_content SET bytes = x'', event = x'' WHERE message = ?", arguments: [id])
        try journal(db, message: id, at: now, kind: .redacted, state: MessageState(rawValue: row["state"]) ?? .sent,
                    detail: "personal data removed by the retention policy; SHA-256 of the bytes sent \(digest)")
    }

    /// Runs `body` (which handles at most `limit` rows and says how many) in one transaction after
    /// another until a batch finds nothing left; returns the total.
    private func batches(_ doing: String, _ limit: Int, _ body: @escaping (Database, Int) throws -> Int)
        throws(OutboxError) -> Int
    {
        var total = 0
        while true {
            let done = try write(doing) { db in
                // Freed pages and cells are overwritten with zeros, so no redacted byte stays in
                // the database file (a per-connection setting; deletions are rare outside a prune).
                try db.execute(sql: "PRAGMA secure_delete = ON")
                return try body(db, limit)
            }
            total += done
            if done < limit { return total }
        }
    }

    private func dryRun(_ request: PruneRequest) throws(OutboxError) -> PruneReport {
        var report = PruneReport()
        let deleteBefore = request.deleteBefore?.milliseconds
        try read("count what a prune would remove from") { db in
            if let before = deleteBefore {
                report.deleted = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM messages INDEXED BY messages_terminal
                    WHERE \(SQLiteSchema.terminalStatesSQL) AND created_at < ?
                    """, arguments: [before]) ?? 0
                report.rejectedDeleted = try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM rejected INDEXED BY rejected_by_time WHERE time < ?", arguments: [before]) ?? 0
            }
            if let before = request.redactBefore?.milliseconds {
                // What is deleted is not also counted as redacted.
                let floor = deleteBefore ?? Int64.min
                report.redacted = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM messages INDEXED BY messages_unredacted_terminal
                    WHERE redacted_at IS NULL AND \(SQLiteSchema.terminalStatesSQL) AND created_at < ? AND created_at >= ?
                    """, arguments: [before, floor]) ?? 0
                report.rejectedRedacted = try Int.fetchOne(db, sql: """
                    SELECT count(*) FROM rejected INDEXED BY rejected_unredacted WHERE excerpt <> '' AND time < ? AND time >= ?
                    """, arguments: [before, floor]) ?? 0
            }
        }
        if let before = request.redactBefore?.milliseconds { report.uncertainKept = try uncertainCount(before: before) }
        return report
    }

    private func uncertainCount(before: Int64) throws(OutboxError) -> Int {
        try read("count the uncertain messages of") { db in
            try Int.fetchOne(db, sql: """
                SELECT count(*) FROM messages INDEXED BY messages_by_state WHERE state = 'uncertain' AND created_at < ?
                """, arguments: [before]) ?? 0
        }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
