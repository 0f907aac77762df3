import Foundation
import Mailroom
import PostgresNIO

/// The outbox's tables in their own PostgreSQL schema (default `mailroom`), as versioned
/// migrations applied when a store opens. README.md documents them for ad-hoc `psql` queries.
///
/// Times are `bigint` milliseconds since 1970 UTC, as in the SQLite engine and for the same
/// reason (the store's clock, not the server's, decides due times and expiries):
/// `to_timestamp(created_at / 1000.0)` reads one. Counts per state are kept by triggers in
/// `counters`, spread over 16 rows per name by the writing backend, so that concurrent workers'
/// transactions do not queue on one hot row; `outbox status` sums at most a few hundred rows.
enum PostgresSchema {
    static let migrations: [(version: Int, sql: String)] = [(1, version1), (2, version2)]

    /// The states `outbox prune` may touch, as the partial indexes' SQL says them.
    static let terminalStatesSQL = "state IN ('sent', 'failed', 'expired')"

    /// The retention policy's columns and the partial indexes that make a prune cost what it
    /// redacts and deletes (as in the SQLite engine's v2-retention).
    private static let version2 = """
        ALTER TABLE $schema.messages ADD COLUMN redacted_at bigint;
        ALTER TABLE $schema.messages ADD COLUMN recipient_hash text;
        ALTER TABLE $schema.messages ADD COLUMN content_sha256 text;
        CREATE INDEX messages_unredacted_terminal ON $schema.messages (created_at)
            WHERE redacted_at IS NULL AND \(terminalStatesSQL);
        CREATE INDEX messages_terminal ON $schema.messages (created_at) WHERE \(terminalStatesSQL);
        CREATE INDEX messages_by_recipient_hash ON $schema.messages (recipient_hash, created_at, event_id)
            WHERE recipient_hash IS NOT NULL;
        CREATE INDEX rejected_unredacted ON $schema.rejected (time) WHERE excerpt <> '';
        """

    /// Creates the schema and applies the missing migrations, under an advisory lock so that
    /// workers starting together do not race; refuses a schema written by a newer Mailroom.
    static func migrate(_ connections: PostgresConnections) throws(OutboxError) {
        let schema = connections.location.schema
        let known = migrations.map(\.version).max() ?? 0
        try connections.transaction("migrate") { session in
            // Keyed by the schema, so that outboxes in different schemas migrate independently.
            try session.execute("SELECT pg_advisory_xact_lock(hashtext(\(schema)))")
            try session.execute(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            try session.execute(PostgresQuery(unsafeSQL: """
                CREATE TABLE IF NOT EXISTS \(schema).schema_migrations (
                    version bigint PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())
                """))
            let applied = try Set(session.query(PostgresQuery(unsafeSQL: "SELECT version FROM \(schema).schema_migrations"))
                .map { try $0.value("version", as: Int.self) })
            if let newer = applied.filter({ $0 > known }).max() {
                throw OutboxError(code: .unusable, message: "the outbox \(connections.location) was written by a newer "
                                  + "Mailroom (schema version \(newer)); use that version")
            }
            for migration in migrations where !applied.contains(migration.version) {
                for statement in statements(migration.sql.replacingOccurrences(of: "$schema", with: schema)) {
                    try session.execute(PostgresQuery(unsafeSQL: statement))
                }
                try session.execute(PostgresQuery(unsafeSQL: "INSERT INTO \(schema).schema_migrations (version) VALUES (\(migration.version))"))
            }
        }
    }

    /// The statements of a migration: the extended query protocol takes one at a time. A
    /// statement ends with `;` at the end of a line outside a `$$` function body.
    static func statements(_ sql: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        var inBody = false
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            current.append(line)
            if line.components(separatedBy: "$$").count.isMultiple(of: 2) { inBody.toggle() }
            if !inBody && line.hasSuffix(";") {
                result.append(current.joined(separator: "\n"))
                current = []
            }
        }
        let rest = current.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
        if !rest.isEmpty { result.append(rest) }
        return result
    }

    private static let version1 = """
        CREATE TABLE $schema.messages (
            id bigserial PRIMARY KEY,
            event_id text NOT NULL UNIQUE,
            event_type text NOT NULL,
            template text NOT NULL,
            locale text,
            sender text NOT NULL,
            recipients text NOT NULL,
            message_id text NOT NULL,
            size bigint NOT NULL,
            source text,
            line bigint,
            state text NOT NULL,
            created_at bigint NOT NULL,
            next_attempt_at bigint,
            attempts bigint NOT NULL DEFAULT 0,
            open_attempt bigint,
            last_attempt_at bigint,
            last_reply_code bigint,
            last_reply_enhanced text,
            last_reply_text text,
            last_detail text,
            lease_owner text,
            lease_expires_at bigint
        );
        CREATE INDEX messages_by_state ON $schema.messages (state, created_at, event_id);
        CREATE INDEX messages_by_created ON $schema.messages (created_at, event_id);
        CREATE INDEX messages_by_recipient ON $schema.messages (lower(recipients), created_at, event_id);
        CREATE INDEX messages_by_type ON $schema.messages (event_type, created_at, event_id);
        CREATE INDEX messages_deferred ON $schema.messages (next_attempt_at) WHERE state = 'deferred';
        CREATE INDEX messages_leased ON $schema.messages (lease_owner) WHERE lease_owner IS NOT NULL;

        CREATE TABLE $schema.message_content (
            message bigint PRIMARY KEY REFERENCES $schema.messages (id) ON DELETE CASCADE,
            bytes bytea NOT NULL,
            event bytea NOT NULL
        );

        CREATE TABLE $schema.journal (
            id bigserial PRIMARY KEY,
            message bigint NOT NULL REFERENCES $schema.messages (id) ON DELETE CASCADE,
            time bigint NOT NULL,
            kind text NOT NULL,
            state text NOT NULL,
            attempt bigint,
            duration_ms bigint,
            reply_code bigint,
            reply_enhanced text,
            reply_text text,
            classification text,
            next_attempt_at bigint,
            detail text,
            owner text
        );
        CREATE INDEX journal_by_message ON $schema.journal (message, id);

        CREATE TABLE $schema.rejected (
            id bigserial PRIMARY KEY,
            time bigint NOT NULL,
            source text NOT NULL,
            line bigint NOT NULL,
            event_id text,
            problems jsonb NOT NULL,
            excerpt text NOT NULL,
            bytes bigint NOT NULL
        );
        CREATE INDEX rejected_by_time ON $schema.rejected (time);

        CREATE TABLE $schema.duplicates (
            id bigserial PRIMARY KEY,
            event_id text NOT NULL UNIQUE,
            first_seen bigint NOT NULL,
            last_seen bigint NOT NULL,
            count bigint NOT NULL,
            last_source text NOT NULL,
            last_line bigint NOT NULL
        );

        CREATE TABLE $schema.counters (
            name text NOT NULL,
            shard int NOT NULL,
            n bigint NOT NULL,
            PRIMARY KEY (name, shard)
        );

        CREATE FUNCTION $schema.bump_counter(counter text, delta bigint) RETURNS void
        LANGUAGE sql SET search_path FROM CURRENT AS $$
            INSERT INTO counters AS c (name, shard, n) VALUES (counter, pg_backend_pid() % 16, delta)
            ON CONFLICT (name, shard) DO UPDATE SET n = c.n + excluded.n
        $$;

        CREATE FUNCTION $schema.count_messages() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_OP = 'INSERT' THEN
                PERFORM bump_counter('state:' || NEW.state, 1);
            ELSIF TG_OP = 'DELETE' THEN
                PERFORM bump_counter('state:' || OLD.state, -1);
            ELSIF OLD.state <> NEW.state THEN
                PERFORM bump_counter('state:' || OLD.state, -1);
                PERFORM bump_counter('state:' || NEW.state, 1);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER count_messages AFTER INSERT OR DELETE OR UPDATE OF state ON $schema.messages
            FOR EACH ROW EXECUTE FUNCTION $schema.count_messages();

        CREATE FUNCTION $schema.count_audit() RETURNS trigger
        LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
        BEGIN
            IF TG_TABLE_NAME = 'rejected' THEN
                PERFORM bump_counter('rejected', CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END);
            ELSIF TG_OP = 'INSERT' THEN
                PERFORM bump_counter('duplicates', NEW.count);
            ELSIF TG_OP = 'UPDATE' THEN
                PERFORM bump_counter('duplicates', NEW.count - OLD.count);
            ELSE
                PERFORM bump_counter('duplicates', -OLD.count);
            END IF;
            RETURN NULL;
        END $$;
        CREATE TRIGGER count_rejected AFTER INSERT OR DELETE ON $schema.rejected
            FOR EACH ROW EXECUTE FUNCTION $schema.count_audit();
        CREATE TRIGGER count_duplicates AFTER INSERT OR DELETE OR UPDATE OF count ON $schema.duplicates
            FOR EACH ROW EXECUTE FUNCTION $schema.count_audit();

        CREATE TABLE $schema.events (
            id bigserial PRIMARY KEY,
            event text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );

        CREATE VIEW $schema.message_log AS
            SELECT m.event_id, m.state, to_timestamp(j.time / 1000.0) AS time, j.kind, j.attempt, j.duration_ms,
                   j.reply_code, j.reply_enhanced, j.reply_text, j.classification,
                   to_timestamp(j.next_attempt_at / 1000.0) AS next_attempt_at, j.detail, j.owner
            FROM $schema.journal j JOIN $schema.messages m ON m.id = j.message;
        """
}
