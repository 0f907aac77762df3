import Foundation
import Mailroom
import NIOCore
import PostgresNIO

/// The retention policy, as the SQLite engine applies it: a batch per transaction, each found
/// through a partial index holding only what is left to do.
extension PostgresOutboxStore {
    public func prune(_ request: PruneRequest) throws(OutboxError) -> PruneReport {
        if request.dryRun { return try dryRun(request) }
        var report = PruneReport()
        let terminal = PostgresSchema.terminalStatesSQL
        if let before = request.deleteBefore?.milliseconds {
            report.deleted = try batches("delete old messages from", request.batchSize) { session, limit in
                // The journal and the content go with the message (ON DELETE CASCADE); rows a
                // worker holds right now are left to the next batch or prune.
                try session.query("""
                    DELETE FROM messages WHERE id IN (
                        SELECT id FROM messages WHERE \(unescaped: terminal) AND created_at < \(before)
                        ORDER BY created_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                    RETURNING id
                    """).count
            }
            report.rejectedDeleted = try batches("delete old rejected events from", request.batchSize) { session, limit in
                try session.query("""
                    DELETE FROM rejected WHERE id IN (SELECT id FROM rejected WHERE time < \(before) ORDER BY time LIMIT \(limit))
                    RETURNING id
                    """).count
            }
        }
        if let before = request.redactBefore?.milliseconds {
            let now = self.now()
            report.redacted = try batches("redact messages in", request.batchSize) { session, limit in
                let rows = try session.query("""
                    SELECT m.id, m.recipients, m.state, c.bytes FROM messages m JOIN message_content c ON c.message = m.id
                    WHERE m.redacted_at IS NULL AND m.\(unescaped: terminal) AND m.created_at < \(before)
                    ORDER BY m.created_at LIMIT \(limit) FOR UPDATE OF m SKIP LOCKED
                    """)
                for row in rows { try Self.redact(session, row, hashes: request.hashes, at: now) }
                return rows.count
            }
            report.rejectedRedacted = try batches("redact rejected events in", request.batchSize) { session, limit in
                // A problem may quote the value it refuses (an address): only its path is kept.
                try session.execute("""
                    UPDATE rejected SET excerpt = '',
                        problems = (SELECT coalesce(jsonb_agg(CASE WHEN strpos(p.value, ':') > 0
                                                                   THEN substr(p.value, 1, strpos(p.value, ':') - 1)
                                                                   ELSE p.value END ORDER BY p.n), '[]'::jsonb)
                                    FROM jsonb_array_elements_text(rejected.problems) WITH ORDINALITY AS p(value, n))
                    WHERE id IN (
                        SELECT id FROM rejected WHERE excerpt <> '' AND time < \(before) LIMIT \(limit))
                    """)
            }
            report.uncertainKept = try uncertainCount(before: before)
        }
        // The old row versions of what was removed are dead tuples until a vacuum frees them.
        try connections.withSession("vacuum") { session in
            _ = try session.execute("VACUUM messages, message_content, journal, rejected")
        }
        return report
    }

    /// One message's redaction, in the batch's transaction.
    private static func redact(_ session: PostgresSession, _ row: PostgresRandomAccessRow, hashes: RedactionHashes,
                               at now: Date) throws {
        let id = try row.value("id", as: Int64.self)
        let recipients = try row.value("recipients", as: String.self).components(separatedBy: ", ").filter { !$0.isEmpty }
        let digest = hashes.content(try row.bytes("bytes"))
        let recipientHashes = recipients.map { hashes.recipient($0.lowercased()) }
        // A relay's reply or a transport error may quote the address: every copy goes.
        for address in Set(recipients + recipients.map { $0.lowercased() }) {
            try session.execute("""
                UPDATE journal SET reply_text = replace(reply_text, \(address), '[redacted]'),
                                   detail = replace(detail, \(address), '[redacted]')
                WHERE message = \(id) AND (strpos(reply_text, \(address)) > 0 OR strpos(detail, \(address)) > 0)
                """)
            try session.execute("""
                UPDATE messages SET last_reply_text = replace(last_reply_text, \(address), '[redacted]'),
                                    last_detail = replace(last_detail, \(address), '[redacted]') WHERE id = \(id)
                """)
        }
        try session.execute("""
            UPDATE messages SET recipients = '', recipient_hash = \(recipientHashes.joined(separator: ", ")),
                content_sha256 = \(digest), redacted_at = \(now.milliseconds) WHERE id = \(id)
            """)
        try session.execute("UPDATE message_content SET bytes = ''::bytea, event = ''::bytea WHERE message = \(id)")
        try journal(session, message: id, at: now, kind: .redacted,
                    state: MessageState(rawValue: try row.value("state", as: String.self)) ?? .sent,
                    detail: "personal data removed by the retention policy; SHA-256 of the bytes sent \(digest)")
    }

    /// Runs `body` (which handles at most `limit` rows and says how many) in one transaction after
    /// another until a batch finds nothing left; returns the total.
    private func batches(_ doing: String, _ limit: Int, _ body: (PostgresSession, Int) throws -> Int)
        throws(OutboxError) -> Int
    {
        var total = 0
        while true {
            let done = try transaction(doing) { session in try body(session, limit) }
            total += done
            if done < limit { return total }
        }
    }

    private func dryRun(_ request: PruneRequest) throws(OutboxError) -> PruneReport {
        var report = PruneReport()
        let terminal = PostgresSchema.terminalStatesSQL
        let deleteBefore = request.deleteBefore?.milliseconds
        let redactBefore = request.redactBefore?.milliseconds
        try connections.withSession("count what a prune would remove from") { session in
            func count(_ query: PostgresQuery) throws -> Int {
                try session.query(query).first.map { try $0.value("n", as: Int.self) } ?? 0
            }
            if let before = deleteBefore {
                report.deleted = try count("""
                    SELECT count(*) AS n FROM messages WHERE \(unescaped: terminal) AND created_at < \(before)
                    """)
                report.rejectedDeleted = try count("SELECT count(*) AS n FROM rejected WHERE time < \(before)")
            }
            if let before = redactBefore {
                // What is deleted is not also counted as redacted.
                let floor = deleteBefore ?? Int64.min
                report.redacted = try count("""
                    SELECT count(*) AS n FROM messages WHERE redacted_at IS NULL AND \(unescaped: terminal)
                      AND created_at < \(before) AND created_at >= \(floor)
                    """)
                report.rejectedRedacted = try count("""
                    SELECT count(*) AS n FROM rejected WHERE excerpt <> '' AND time < \(before) AND time >= \(floor)
                    """)
            }
        }
        if let before = redactBefore { report.uncertainKept = try uncertainCount(before: before) }
        return report
    }

    private func uncertainCount(before: Int64) throws(OutboxError) -> Int {
        try connections.withSession("count the uncertain messages of") { session in
            try session.query("""
                SELECT count(*) AS n FROM messages WHERE state = 'uncertain' AND created_at < \(before)
                """).first.map { try $0.value("n", as: Int.self) } ?? 0
        }
    }
}
