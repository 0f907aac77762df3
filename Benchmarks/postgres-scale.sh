#!/usr/bin/env bash
# The PostgreSQL outbox's figures, loopback only, against a throw-away cluster this script starts
# (initdb + pg_ctl as nobody in a temp dir, free port) and stops:
#   end to end  mailroom send of N events -> smtp-sink, 4 connections: SQLite outbox vs PostgreSQL
#   workers     N events in mailroom.events, K = 1, 2, 4 concurrent `send --from-table` workers
#               (2 connections each) against a relay that answers each DATA after DELAY ms
#               (Tests/Support/smtp_capture_server.py --final-delay-ms): workers, not the CPU, limit
#   status      `mailroom outbox status` at 1,000 and at SEED messages (seeded by SQL, not by sending)
# Usage: Benchmarks/postgres-scale.sh [--only-status] [--n 1000] [--worker-n 400] [--delay 50] [--seed 1000000]
#                                     [--binary .build/release/mailroom]
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
n=1000; worker_n=400; delay=50; seed=1000000; binary=""; only_status=""
while (($#)); do
  case "$1" in
    --n) n="$2"; shift 2 ;;
    --worker-n) worker_n="$2"; shift 2 ;;
    --delay) delay="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    --binary) binary="$2"; shift 2 ;;
    --only-status) only_status=1; shift ;;
    *) echo "unknown option $1" >&2; exit 64 ;;
  esac
done
if [ -z "$binary" ]; then
  swift build -c release --product mailroom >&2
  binary="$repo/.build/release/mailroom"
fi
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
work=$(mktemp -d /tmp/mailroom-pgbench-XXXXXX)
chmod 755 "$work"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
cleanup() {
  as_pg "$bin/pg_ctl" -D "$work/data" -m immediate -w stop >/dev/null 2>&1 || true
  [ -n "${sink:-}" ] && kill "$sink" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/data" && chmod 700 "$work/data"
[ "$(id -u)" = 0 ] && chown -R nobody "$work"
(cd / && as_pg "$bin/initdb" -D "$work/data" -U mailroom --auth=trust -E UTF8 --no-instructions >/dev/null)
(cd / && as_pg "$bin/pg_ctl" -D "$work/data" -l "$work/server.log" -w \
  -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$work -c max_connections=200" start >/dev/null)
(cd / && as_pg "$bin/createdb" -h "$work" -p "$port" -U mailroom mailroom)
psql() { (cd / && as_pg "$bin/psql" -h "$work" -p "$port" -U mailroom -d mailroom -X -q -At "$@"); }
pg="postgresql://mailroom@127.0.0.1:$port/mailroom"
cat > "$work/config.yaml" <<YAML
smtp:
  connections: 4
sender:
  from: "Example Accounts <accounts@example.com>"
  message_id_domain: mail.example.com
YAML
run() { (cd "$work" && "$binary" "$@" --config "$work/config.yaml" --templates "$repo/Templates" --quiet); }
now() { date +%s.%N; }
rate() { python3 -c "import sys; n,a,b=map(float,sys.argv[1:]); print(f'{n/(b-a):.0f} msgs/s ({b-a:.2f} s)')" "$@"; }

echo "| figure | value |"
echo "|---|---|"
if [ -z "$only_status" ]; then
# End to end, SQLite vs PostgreSQL, the same events into a fresh outbox each.
python3 Benchmarks/gen_events.py "$n" e2e-sqlite > "$work/sqlite.ndjson"
python3 Benchmarks/gen_events.py "$n" e2e-pg > "$work/pg.ndjson"
sinkport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
smtp-sink -u nobody -p 127.0.0.1:"$sinkport" 1000 >/dev/null & sink=$!
sleep 0.5
t0=$(now); run send --outbox "$work/outbox" --smtp-url "smtp://127.0.0.1:$sinkport" "$work/sqlite.ndjson"; t1=$(now)
echo "| end to end, $n events, 4 connections, SQLite outbox | $(rate "$n" "$t0" "$t1") |"
run outbox status --outbox "$pg" >/dev/null
t0=$(now); run send --outbox "$pg" --smtp-url "smtp://127.0.0.1:$sinkport" "$work/pg.ndjson"; t1=$(now)
echo "| end to end, $n events, 4 connections, PostgreSQL outbox | $(rate "$n" "$t0" "$t1") |"
kill "$sink"; sink=""

# Workers against a slow relay.
cat > "$work/config.yaml" <<YAML
smtp:
  connections: 2
sender:
  from: "Example Accounts <accounts@example.com>"
  message_id_domain: mail.example.com
YAML
for k in 1 2 4; do
  schema="w$k"
  url="$pg?schema=$schema"
  run outbox status --outbox "$url" >/dev/null
  python3 Benchmarks/gen_events.py "$worker_n" "w$k" | python3 -c '
import sys
rows = [l.rstrip("\n") for l in sys.stdin if l.strip()]
print("INSERT INTO '"$schema"'.events (event) VALUES " + ", ".join("($ev$" + r + "$ev$)" for r in rows) + ";")' > "$work/insert.sql"
  psql -f "$work/insert.sql"
  out="$work/capture-$k"; mkdir -p "$out"
  /usr/bin/python3 "$repo/Tests/Support/smtp_capture_server.py" --outdir "$out" --final-delay-ms "$delay-$delay" \
    > "$work/capture-$k.port" < <(sleep 100000) & sink=$!
  for _ in $(seq 50); do [ -s "$work/capture-$k.port" ] && break; sleep 0.1; done
  cport=$(head -1 "$work/capture-$k.port")
  t0=$(now)
  pids=()
  for _ in $(seq "$k"); do
    run send --from-table --outbox "$url" --smtp-url "smtp://127.0.0.1:$cport" & pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p"; done
  t1=$(now)
  got=$(ls "$out" | grep -cE '^[0-9]+\.json$' || true)
  echo "| $k worker(s) x 2 connections, $worker_n events from the table, relay answers after ${delay} ms | $(rate "$worker_n" "$t0" "$t1"), $got received |"
  kill "$sink" 2>/dev/null || true; sink=""
done

fi

# outbox status at 1,000 and at $seed messages.
for size in 1000 "$seed"; do
  schema="s$size"
  url="$pg?schema=$schema"
  run outbox status --outbox "$url" >/dev/null
  t0=$(now)
  # The counting trigger is off while seeding (one transaction updating one counter row a million
  # times builds a million row versions); the counters are then set from the rows.
  psql -c "ALTER TABLE $schema.messages DISABLE TRIGGER count_messages"
  psql -c "INSERT INTO $schema.messages (event_id, event_type, template, locale, sender, recipients, message_id, size,
             state, created_at, next_attempt_at, attempts)
           SELECT 'seed-' || g, 'account.closed', 'retention-notice', 'en', 'accounts@example.com',
                  'user' || g || '@example.com', '<seed-' || g || '@mail.example.com>', 5000,
                  CASE WHEN g % 1000 = 0 THEN 'deferred' WHEN g % 997 = 0 THEN 'failed' ELSE 'sent' END,
                  1700000000000 + g, CASE WHEN g % 1000 = 0 THEN 1900000000000 END, 1
           FROM generate_series(1, $size) g" 
  psql -c "ALTER TABLE $schema.messages ENABLE TRIGGER count_messages"
  psql -c "INSERT INTO $schema.counters (name, shard, n) SELECT 'state:' || state, 0, count(*) FROM $schema.messages GROUP BY state"
  psql -c "VACUUM ANALYZE $schema.messages"
  t1=$(now)
  best=""
  for _ in 1 2 3; do
    a=$(now); run outbox status --outbox "$url" >/dev/null; b=$(now)
    ms=$(python3 -c "import sys; print(round((float(sys.argv[2])-float(sys.argv[1]))*1000))" "$a" "$b")
    if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
  done
  echo "| outbox status at $size messages (best of 3, whole command) | $best ms (seeded in $(python3 -c "import sys; print(round(float(sys.argv[2])-float(sys.argv[1]),1))" "$t0" "$t1") s) |"
done
