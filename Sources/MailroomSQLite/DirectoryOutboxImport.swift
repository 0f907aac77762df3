import Foundation
import GRDB
import Mailroom

/// Brings an outbox of the directory layout (`messages/<key>/` with `message.eml`, `event.json`,
/// `meta.json` and `journal.ndjson`, plus `rejected.ndjson` and `duplicates.ndjson`) into the
/// database, with nothing lost: every message with its exact bytes, event and whole journal, every
/// rejected and duplicate record.
///
/// It runs once, in one durable transaction, when a store opens a directory that still has that
/// layout; the old files are then moved, untouched, into `legacy-<time>/` beside the database. A
/// message whose last journal record is an attempt started and never finished comes in
/// `uncertain`, as the directory outbox's recovery would have made it. A message directory that
/// cannot be read is left in the legacy folder and named in the log of the import.
struct DirectoryOutboxImport {
    let store: SQLiteOutboxStore

    static let legacyEntries = ["messages", "tmp", "quarantine", "rejected.ndjson", "duplicates.ndjson"]

    static func hasLegacyLayout(in directory: String) -> Bool {
        FileManager.default.fileExists(atPath: directory + "/messages")
            || FileManager.default.fileExists(atPath: directory + "/rejected.ndjson")
    }

    private struct Meta: Decodable {
        var eventID: String
        var eventType: String
        var template: String
        var locale: String?
        var envelope: Envelope
        var messageID: String
        var createdAt: Date

        enum CodingKeys: String, CodingKey {
            case template, locale, envelope
            case eventID = "event_id"
            case eventType = "event_type"
            case messageID = "message_id"
            case createdAt = "created_at"
        }
    }

    private struct Rejected: Decodable {
        var time: Date
        var source: String
        var line: Int
        var eventID: String?
        var problems: [String]
        var excerpt: String
        var bytes: Int

        enum CodingKeys: String, CodingKey {
            case time, source, line, problems, excerpt, bytes
            case eventID = "event_id"
        }
    }

    private struct Duplicate: Decodable {
        var time: Date
        var eventID: String
        var source: String
        var line: Int

        enum CodingKeys: String, CodingKey {
            case time, source, line
            case eventID = "event_id"
        }
    }

    /// What an import brought in and what it had to leave.
    struct Report {
        var messages = 0
        var rejected = 0
        var duplicates = 0
        var unreadable: [String] = []
    }

    @discardableResult
    func run() throws(OutboxError) -> Report {
        let directory = store.directory
        let decoder = Self.decoder()
        let alreadyImported = try store.read("read") { db in
            try String.fetchOne(db, sql: "SELECT value FROM store_info WHERE key = 'directory_import'") != nil
        }
        var report = Report()
        if !alreadyImported {
            let messages = readMessages(directory + "/messages", decoder: decoder, report: &report)
            let rejected: [Rejected] = Self.lines(directory + "/rejected.ndjson", decoder: decoder)
            let duplicates: [Duplicate] = Self.lines(directory + "/duplicates.ndjson", decoder: decoder)
            report.rejected = rejected.count
            report.duplicates = duplicates.count
            let now = store.now()
            try store.write("import the directory outbox into", durable: true) { db in
                for message in messages { try Self.insert(message, db: db, at: now) }
                for record in rejected {
                    try db.execute(sql: """
                        INSERT INTO rejected (time, source, line, event_id, problems, excerpt, bytes)
                        VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [record.time.milliseconds, record.source, record.line, record.eventID,
                                         OutboxText.jsonArray(record.problems), record.excerpt, record.bytes])
                }
                for record in duplicates {
                    try db.execute(sql: """
                        INSERT INTO duplicates (event_id, first_seen, last_seen, count, last_source, last_line)
                        VALUES (?, ?, ?, 1, ?, ?)
                        ON CONFLICT(event_id) DO UPDATE SET count = count + 1, last_seen = excluded.last_seen,
                            last_source = excluded.last_source, last_line = excluded.last_line
                        """, arguments: [record.eventID, record.time.milliseconds, record.time.milliseconds,
                                         record.source, record.line])
                }
                try db.execute(sql: "INSERT INTO store_info (key, value) VALUES ('directory_import', ?)",
                               arguments: [now.formatted(.iso8601)])
            }
            report.messages = messages.count
        }
        try moveAside(directory)
        return report
    }

    private struct LegacyMessage {
        var meta: Meta
        var bytes: Data
        var event: Data
        var journal: [JournalEntry]
    }

    private func readMessages(_ path: String, decoder: JSONDecoder, report: inout Report) -> [LegacyMessage] {
        let keys = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        var messages: [LegacyMessage] = []
        for key in keys.sorted() {
            let folder = path + "/" + key
            guard let metaData = FileManager.default.contents(atPath: folder + "/meta.json"),
                  let meta = try? decoder.decode(Meta.self, from: metaData),
                  let bytes = FileManager.default.contents(atPath: folder + "/message.eml"),
                  let event = FileManager.default.contents(atPath: folder + "/event.json") else {
                report.unreadable.append(key)
                continue
            }
            let journal: [JournalEntry] = Self.lines(folder + "/journal.ndjson", decoder: decoder)
            guard !journal.isEmpty else {
                report.unreadable.append(key)
                continue
            }
            messages.append(LegacyMessage(meta: meta, bytes: bytes, event: event, journal: journal))
        }
        return messages
    }

    private static func insert(_ message: LegacyMessage, db: Database, at now: Date) throws {
        var journal = message.journal
        let last = journal[journal.count - 1]
        let started = journal.filter { $0.kind == .attemptStarted }
        if last.kind == .attemptStarted {
            journal.append(JournalEntry(
                time: now, kind: .state, state: .uncertain, attempt: last.attempt,
                detail: "attempt \(last.attempt ?? 0) started at \(last.time.formatted(.iso8601)) has no result; "
                    + "the message may have been sent"))
        }
        journal.append(JournalEntry(time: now, kind: .imported, state: journal[journal.count - 1].state,
                                    detail: "imported from the directory outbox"))
        let state = journal[journal.count - 1].state
        let lastReply = journal.last { $0.reply != nil }?.reply
        let next = state == .deferred ? journal.last { $0.nextAttemptAt != nil }?.nextAttemptAt : nil
        let lastAttempt = journal.last { $0.kind == .attemptStarted || $0.kind == .attempt }?.time
        let origin = journal.first?.detail
        let meta = message.meta
        guard let id = try Int64.fetchOne(db, sql: """
            INSERT INTO messages (event_id, event_type, template, locale, sender, recipients, message_id, size,
                                  source, state, created_at, next_attempt_at, attempts, last_attempt_at,
                                  last_reply_code, last_reply_enhanced, last_reply_text, last_detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(event_id) DO NOTHING RETURNING id
            """, arguments: [
                meta.eventID, meta.eventType, meta.template, meta.locale, meta.envelope.sender,
                meta.envelope.recipients.joined(separator: ", "), meta.messageID, message.bytes.count,
                origin.flatMap(Self.source(ofDetail:)), state.rawValue, meta.createdAt.milliseconds,
                next?.milliseconds, started.count, lastAttempt?.milliseconds, lastReply?.code, lastReply?.enhanced,
                lastReply?.text, journal.last { $0.detail != nil }?.detail,
            ]) else { return }
        try db.execute(sql: "INSERT INTO message_content (message, bytes, event) VALUES (?, ?, ?)",
                       arguments: [id, message.bytes, message.event])
        for entry in journal {
            try SQLiteOutboxStore.journal(
                db, message: id, at: entry.time, kind: entry.kind, state: entry.state, attempt: entry.attempt,
                durationMs: entry.durationMs, reply: entry.reply, classification: entry.classification,
                nextAttemptAt: entry.nextAttemptAt?.milliseconds, detail: entry.detail, owner: entry.owner)
        }
    }

    /// `from events.ndjson line 3` -> `events.ndjson`.
    private static func source(ofDetail detail: String) -> String? {
        guard detail.hasPrefix("from ") else { return nil }
        let rest = detail.dropFirst(5)
        if let range = rest.range(of: " line ", options: .backwards) { return String(rest[..<range.lowerBound]) }
        return String(rest)
    }

    /// Complete lines of an NDJSON file that decode; a torn last line is not complete.
    private static func lines<T: Decodable>(_ path: String, decoder: JSONDecoder) -> [T] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        var values: [T] = []
        var start = data.startIndex
        while let newline = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            if newline > start, let value = try? decoder.decode(T.self, from: data[start..<newline]) {
                values.append(value)
            }
            start = data.index(after: newline)
        }
        return values
    }

    private func moveAside(_ directory: String) throws(OutboxError) {
        let stamp = store.now().formatted(.iso8601).filter { $0.isNumber }
        let legacy = directory + "/legacy-" + stamp
        if mkdir(legacy, OutboxDirectory.directoryMode) != 0 && errno != EEXIST { throw .system("mkdir", legacy) }
        for name in Self.legacyEntries where FileManager.default.fileExists(atPath: directory + "/" + name) {
            if rename(directory + "/" + name, legacy + "/" + name) != 0 { throw .system("rename", directory + "/" + name) }
        }
    }

    static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        let withFraction = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: .gmt)
        let withoutFraction = Date.ISO8601FormatStyle(timeZone: .gmt)
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            if let date = (try? withFraction.parse(text)) ?? (try? withoutFraction.parse(text)) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 time")
        }
        return decoder
    }
}
