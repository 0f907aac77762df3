import GRDB

/// The outbox's schema, as versioned migrations; `mailroom` applies the missing ones when it
/// opens the store. README.md documents the tables for ad-hoc `sqlite3` queries.
///
/// Times are integers: milliseconds since 1970-01-01 UTC (`datetime(created_at / 1000,
/// 'unixepoch')` reads one). Counts per state live in `counters`, kept by triggers, so `outbox
/// status` reads a handful of rows however much history the outbox keeps.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: version1)
        }
        migrator.registerMigration("v2-retention") { db in
            try db.execute(sql: version2)
        }
        return migrator
    }

    /// Names every migration this build knows, to refuse a database written by a newer Mailroom.
    static let knownMigrations: Set<String> = ["v1", "v2-retention"]

    /// The states `outbox prune` may touch, as the partial indexes' SQL says them.
    static let terminalStatesSQL = "state IN ('sent', 'failed', 'expired')"

    /// The retention policy's columns and the partial indexes that make a prune cost what it
    /// redacts and deletes: the unredacted terminal messages oldest first, every terminal message
    /// oldest first, and the rejected lines not yet redacted.
    private static let version2 = """
        ALTER TABLE messages ADD COLUMN redacted_at INTEGER;
        ALTER TABLE messages ADD COLUMN recipient_hash TEXT;
        ALTER TABLE messages ADD COLUMN content_sha256 TEXT;
        CREATE INDEX messages_unredacted_terminal ON messages(created_at)
            WHERE redacted_at IS NULL AND \(terminalStatesSQL);
        CREATE INDEX messages_terminal ON messages(created_at) WHERE \(terminalStatesSQL);
        CREATE INDEX messages_by_recipient_hash ON messages(recipient_hash, created_at, event_id)
            WHERE recipient_hash IS NOT NULL;
        CREATE INDEX rejected_unredacted ON rejected(time) WHERE excerpt <> '';
        """

    private static let version1 = """
        CREATE TABLE messages (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            event_type TEXT NOT NULL,
            template TEXT NOT NULL,
            locale TEXT,
            sender TEXT NOT NULL,
            recipients TEXT NOT NULL,
            message_id TEXT NOT NULL,
            size INTEGER NOT NULL,
            source TEXT,
            line INTEGER,
            state TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            next_attempt_at INTEGER,
            attempts INTEGER NOT NULL DEFAULT 0,
            open_attempt INTEGER,
            last_attempt_at INTEGER,
            last_reply_code INTEGER,
            last_reply_enhanced TEXT,
            last_reply_text TEXT,
            last_detail TEXT,
            lease_owner TEXT,
            lease_expires_at INTEGER
        );
        CREATE INDEX messages_by_state ON messages(state, created_at, event_id);
        CREATE INDEX messages_by_created ON messages(created_at, event_id);
        CREATE INDEX messages_by_recipient ON messages(recipients COLLATE NOCASE, created_at, event_id);
        CREATE INDEX messages_by_type ON messages(event_type, created_at, event_id);
        CREATE INDEX messages_deferred ON messages(next_attempt_at) WHERE state = 'deferred';
        CREATE INDEX messages_leased ON messages(lease_owner) WHERE lease_owner IS NOT NULL;

        CREATE TABLE message_content (
            message INTEGER PRIMARY KEY REFERENCES messages(id) ON DELETE CASCADE,
            bytes BLOB NOT NULL,
            event BLOB NOT NULL
        );

        CREATE TABLE journal (
            id INTEGER PRIMARY KEY,
            message INTEGER NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
            time INTEGER NOT NULL,
            kind TEXT NOT NULL,
            state TEXT NOT NULL,
            attempt INTEGER,
            duration_ms INTEGER,
            reply_code INTEGER,
            reply_enhanced TEXT,
            reply_text TEXT,
            classification TEXT,
            next_attempt_at INTEGER,
            detail TEXT,
            owner TEXT
        );
        CREATE INDEX journal_by_message ON journal(message, id);

        CREATE TABLE rejected (
            id INTEGER PRIMARY KEY,
            time INTEGER NOT NULL,
            source TEXT NOT NULL,
            line INTEGER NOT NULL,
            event_id TEXT,
            problems TEXT NOT NULL,
            excerpt TEXT NOT NULL,
            bytes INTEGER NOT NULL
        );
        CREATE INDEX rejected_by_time ON rejected(time);

        CREATE TABLE duplicates (
            id INTEGER PRIMARY KEY,
            event_id TEXT NOT NULL UNIQUE,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            count INTEGER NOT NULL,
            last_source TEXT NOT NULL,
            last_line INTEGER NOT NULL
        );

        CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;

        CREATE TABLE store_info (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

        CREATE TRIGGER count_inserted AFTER INSERT ON messages BEGIN
            INSERT INTO counters(name, n) VALUES ('state:' || NEW.state, 1)
                ON CONFLICT(name) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER count_state_change AFTER UPDATE OF state ON messages WHEN OLD.state <> NEW.state BEGIN
            UPDATE counters SET n = n - 1 WHERE name = 'state:' || OLD.state;
            INSERT INTO counters(name, n) VALUES ('state:' || NEW.state, 1)
                ON CONFLICT(name) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER count_deleted AFTER DELETE ON messages BEGIN
            UPDATE counters SET n = n - 1 WHERE name = 'state:' || OLD.state;
        END;
        CREATE TRIGGER count_rejected AFTER INSERT ON rejected BEGIN
            INSERT INTO counters(name, n) VALUES ('rejected', 1) ON CONFLICT(name) DO UPDATE SET n = n + 1;
        END;
        CREATE TRIGGER count_rejected_deleted AFTER DELETE ON rejected BEGIN
            UPDATE counters SET n = n - 1 WHERE name = 'rejected';
        END;
        CREATE TRIGGER count_duplicate AFTER INSERT ON duplicates BEGIN
            INSERT INTO counters(name, n) VALUES ('duplicates', NEW.count)
                ON CONFLICT(name) DO UPDATE SET n = n + NEW.count;
        END;
        CREATE TRIGGER count_duplicate_again AFTER UPDATE OF count ON duplicates BEGIN
            UPDATE counters SET n = n + NEW.count - OLD.count WHERE name = 'duplicates';
        END;
        CREATE TRIGGER count_duplicate_deleted AFTER DELETE ON duplicates BEGIN
            UPDATE counters SET n = n - OLD.count WHERE name = 'duplicates';
        END;

        CREATE VIEW message_log AS
            SELECT m.event_id, m.state, strftime('%Y-%m-%dT%H:%M:%fZ', j.time / 1000.0, 'unixepoch') AS time,
                   j.kind, j.attempt, j.duration_ms, j.reply_code, j.reply_enhanced, j.reply_text,
                   j.classification,
                   strftime('%Y-%m-%dT%H:%M:%fZ', j.next_attempt_at / 1000.0, 'unixepoch') AS next_attempt_at,
                   j.detail, j.owner
            FROM journal j JOIN messages m ON m.id = j.message;
        """
}
