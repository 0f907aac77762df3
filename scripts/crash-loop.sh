#!/usr/bin/env bash
# Crash loop: proves that SIGKILL at any moment loses no message and sends none twice.
#
#   scripts/crash-loop.sh [--quick | --storm] [--events N] [--kills K] [--seed S] [--binary PATH] [--keep]
#
# --storm is the kill storm: 600 events, 50 runs of `send` with a `replay` beside it on the same
# events, both killed at a random 10-300 ms, the server waiting 50-150 ms before each final 250
# (so kills land between the message and its reply).
#
# Starts the aiosmtpd capture server (Tests/Support/smtp_capture_server.py) on a free loopback
# port, generates N valid events (default 2000; --quick: 300) and K times (default 20; --quick: 5)
# runs `mailroom send` on the next chunk of them (with the previous chunk again) and kills it
# with SIGKILL at a random moment in its first 1.5 seconds (until K runs were killed),
# then runs `mailroom replay` (itself killed at a random moment every other time or so); about
# every third `send` has a `replay` running beside it, killed with it. Then an
# unkilled `send` of every event, `replay` and `replay --state deferred`. Finally it counts the
# messages the server captured per event id (from the Message-ID) and checks:
#   - every event was delivered, or is `uncertain` in the outbox (reported: "may have arrived");
#   - no event was recorded as rejected (they are all valid: a storage failure shows up there);
#   - no event was delivered twice, except ones the outbox marks `uncertain` (reported);
#   - the database passes its integrity check, no lease is left, every message's state is its
#     last journal entry's, and the state counters match a count of the messages;
#   - `outbox status --json`: sent == events received whose state is sent, and nothing is left
#     queued, held, deferred or failed.
# Prints the figures and exits 1 on any violation (2 when it could not run).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

events=2000 kills=20 seed=$RANDOM keep=0 binary=""
kill_min=0 kill_max=1500 beside_every=3 server_delay=""
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) events=300 kills=5 ;;
        --storm) events=600 kills=50 kill_min=10 kill_max=300 beside_every=1 server_delay=50-150 ;;
        --events) events=$2; shift ;;
        --kills) kills=$2; shift ;;
        --seed) seed=$2; shift ;;
        --binary) binary=$2; shift ;;
        --keep) keep=1 ;;
        -h|--help) sed -n '2,23p' "$0"; exit 0 ;;
        *) echo "crash-loop: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done
RANDOM=$seed
py=/usr/bin/python3

if [ -z "$binary" ]; then
    binary=$root/.build/debug/mailroom
    [ -x "$binary" ] || swift build --product mailroom >&2
fi
[ -x "$binary" ] || { echo "crash-loop: no mailroom binary at $binary" >&2; exit 2; }

work=$(mktemp -d /tmp/mailroom-crash-loop.XXXXXX)
server_pid=""
cleanup() {
    exec 7>&- 2>/dev/null || true
    if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
    if [ "$keep" = 1 ]; then echo "crash-loop: kept $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The server exits when its stdin (our fd 7) closes, so it never outlives this script.
mkdir -p "$work/captured"
mkfifo "$work/server.in"
$py Tests/Support/smtp_capture_server.py --outdir "$work/captured" ${server_delay:+--final-delay-ms "$server_delay"} \
    <"$work/server.in" >"$work/server.port" 2>"$work/server.err" &
server_pid=$!
exec 7>"$work/server.in"
for _ in $(seq 100); do [ -s "$work/server.port" ] && break; sleep 0.05; done
port=$(head -n1 "$work/server.port")
[ -n "$port" ] || { echo "crash-loop: the capture server did not start: $(cat "$work/server.err")" >&2; exit 2; }

$py - "$events" "$seed" >"$work/events.ndjson" <<'EOF'
import json, random, sys
n, seed = int(sys.argv[1]), int(sys.argv[2])
rng = random.Random(seed)
for i in range(1, n + 1):
    eid = "crash_%06d" % i
    account = {"id": "acc_%d" % i, "email": "user%d@example.org" % i, "name": "User Nr. %d" % i,
               "locale": rng.choice(["en", "de", "fr"])}
    kind = i % 3
    if kind == 0:
        event = {"type": "account.closure_requested",
                 "data": {"reference": "CLS-%d" % i, "effective_at": "2099-12-12T00:00:00Z"}}
    elif kind == 1:
        event = {"type": "account.balance_outstanding",
                 "data": {"balance": {"amount": "%d.%02d" % (rng.randrange(10000), rng.randrange(100)),
                                      "currency": "EUR"}, "withdraw_by": "2099-12-10T23:59:59Z"}}
    else:
        event = {"type": "account.closed",
                 "data": {"closed_at": "2026-12-12T00:00:00Z",
                          "retained": [{"category": "Invoices", "reason": "tax law", "retain_until": "2036-12-31"}]}}
    event.update({"id": eid, "occurred_at": "2026-11-28T09:15:00Z", "account": account})
    print(json.dumps(event))
EOF

cat >"$work/mailroom.yaml" <<EOF
smtp:
  url: smtp://127.0.0.1:$port
  connections: 4
  reply_timeout: 10s
sender:
  from: "Example Accounts <accounts@example.com>"
  message_id_domain: crash.example.com
outbox:
  path: $work/outbox
templates:
  path: $root/Templates
retry:
  attempts: 3
  initial_delay: 10ms
  max_delay: 100ms
EOF
mr() { "$binary" "$@" --config "$work/mailroom.yaml" --quiet; }

# A random delay in seconds, uniform in [min_ms, max_ms) milliseconds.
delay() { local lo=${2:-0}; local ms=$(( lo + RANDOM % ($1 - lo) )); printf '%d.%03d' $((ms / 1000)) $((ms % 1000)); }

# Runs `mailroom ARGS...` in the background, kills it with SIGKILL after `$1` seconds if it is
# still running; prints "killed" or its exit code.
run_and_kill() {
    local after=$1; shift
    # The binary itself in the background (not the `mr` function, whose subshell would be
    # what gets killed, leaving mailroom running on).
    "$binary" "$@" --config "$work/mailroom.yaml" --quiet >>"$work/mailroom.log" 2>&1 &
    local pid=$!
    sleep "$after"
    if kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null; then
        wait "$pid" 2>/dev/null || true
        echo killed
    else
        local rc=0
        wait "$pid" || rc=$?
        echo "$rc"
    fi
}

start=$(date +%s)
send_kills=0 replay_kills=0 runs=0 concurrent=0
chunk=$(( (events + kills - 1) / kills ))
# Until K runs of `send` were killed (a run that finished before its kill does not count), at
# most 3K runs; past the last chunk the chunks come round again (all duplicates by then).
i=0
while [ "$send_kills" -lt "$kills" ] && [ "$i" -lt $((3 * kills)) ]; do
    i=$((i + 1))
    j=$(( (i - 1) % kills + 1 ))
    # The previous chunk again (its events come back as duplicates, or are stored now if the
    # last kill came first) and a new one; kill somewhere inside that work (start-up and
    # recovery included).
    from=$(( (j - 2) * chunk + 1 )); [ "$from" -ge 1 ] || from=1
    upto=$(( j * chunk < events ? j * chunk : events ))
    sed -n "${from},${upto}p" "$work/events.ndjson" >"$work/chunk.ndjson"
    if (( RANDOM % beside_every == 0 )); then
        # A `replay` (say from cron) beside the `send`: two processes on one outbox.
        "$binary" replay --config "$work/mailroom.yaml" --quiet >>"$work/mailroom.log" 2>&1 &
        beside=$!
        outcome=$(run_and_kill "$(delay "$kill_max" "$kill_min")" send "$work/chunk.ndjson")
        if kill -0 "$beside" 2>/dev/null && kill -KILL "$beside" 2>/dev/null; then
            replay_kills=$((replay_kills + 1))
        fi
        wait "$beside" 2>/dev/null || true
        concurrent=$((concurrent + 1))
        runs=$((runs + 1))
    else
        outcome=$(run_and_kill "$(delay "$kill_max" "$kill_min")" send "$work/chunk.ndjson")
    fi
    runs=$((runs + 1))
    [ "$outcome" = killed ] && send_kills=$((send_kills + 1))
    if (( RANDOM % 2 )); then
        outcome=$(run_and_kill "$(delay 400)" replay)
        [ "$outcome" = killed ] && replay_kills=$((replay_kills + 1))
    else
        mr replay >>"$work/mailroom.log" 2>&1 || true
    fi
    runs=$((runs + 1))
done
final_send=0; mr send "$work/events.ndjson" >>"$work/mailroom.log" 2>&1 || final_send=$?
final_replay=0; mr replay >>"$work/mailroom.log" 2>&1 || final_replay=$?
final_flush=0; mr replay --state deferred >>"$work/mailroom.log" 2>&1 || final_flush=$?
mr outbox status --json >"$work/status.json"
mr outbox list --json >"$work/list.ndjson"
elapsed=$(( $(date +%s) - start ))

exec 7>&-   # stop the server so that every capture is on disk
wait "$server_pid" 2>/dev/null || true
server_pid=""

verdict=0
$py - "$work" "$events" "$send_kills" "$replay_kills" "$seed" "$elapsed" "$root/RELIABILITY.md" "$concurrent" <<'EOF' || verdict=$?
import datetime, glob, json, os, re, sys
from collections import Counter
work, events = sys.argv[1], int(sys.argv[2])
send_kills, replay_kills, seed, elapsed, reliability = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7]
concurrent = int(sys.argv[8])
expected = {json.loads(line)["id"] for line in open(os.path.join(work, "events.ndjson"))}
received = Counter()
for path in glob.glob(os.path.join(work, "captured", "*.eml")):
    with open(path, "rb") as f:
        headers = re.sub(rb"\r\n[ \t]+", b" ", f.read().split(b"\r\n\r\n", 1)[0])
    found = re.search(rb"(?im)^message-id:[ \t]*<([^>\r\n]+)>", headers)
    mid = found.group(1).decode("ascii") if found else "(no Message-ID in %s)" % path
    received[mid.split("@")[0].rsplit(".", 2)[0]] += 1
states = {}
for line in open(os.path.join(work, "list.ndjson")):
    record = json.loads(line)
    states[record["event_id"]] = record["state"]
status = json.load(open(os.path.join(work, "status.json")))
counts = status["counts"]

uncertain = {e for e, s in states.items() if s == "uncertain"}
lost = sorted(e for e in expected if received[e] == 0 and states.get(e) != "uncertain")
duplicates = sorted(e for e, n in received.items() if n > 1)
unexplained = [e for e in duplicates if e not in uncertain]
strangers = sorted(set(received) - expected)
unfinished = {e: s for e, s in states.items() if s not in ("sent", "uncertain")}
sent_received = sum(1 for e, s in states.items() if s == "sent" and received[e] > 0)
sent_missing = sorted(e for e, s in states.items() if s == "sent" and received[e] == 0)
import sqlite3
db = sqlite3.connect("file:%s?mode=ro" % os.path.join(work, "outbox", "outbox.sqlite"), uri=True)
integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
leased = db.execute("SELECT count(*) FROM messages WHERE lease_owner IS NOT NULL").fetchone()[0]
# Each message's state is the state of its last journal entry, and the counters match a count.
inconsistent = [row[0] for row in db.execute(
    "SELECT m.event_id FROM messages m WHERE m.state <> (SELECT j.state FROM journal j WHERE j.message = m.id ORDER BY j.id DESC LIMIT 1)")]
counted = dict(db.execute("SELECT substr(name, 7), n FROM counters WHERE name LIKE 'state:%'"))
actual = dict(db.execute("SELECT state, count(*) FROM messages GROUP BY state"))
miscounted = {k: (counted.get(k, 0), actual.get(k, 0)) for k in set(counted) | set(actual) if counted.get(k, 0) != actual.get(k, 0)}
print("crash-loop: events %d, stored %d, server received %d messages for %d events"
      % (events, len(states), sum(received.values()), len(received)))
print("crash-loop: outbox status: %s" % ", ".join("%s %d" % (k, v) for k, v in sorted(counts.items()) if v))
print("crash-loop: lost %d, duplicates %d (unexplained %d), uncertain %d (of which received %d, not received %d)"
      % (len(lost), len(duplicates), len(unexplained), len(uncertain),
         sum(1 for e in uncertain if received[e] > 0), sum(1 for e in uncertain if received[e] == 0)))
for e in sorted(uncertain):
    print("crash-loop:   uncertain %s: received %d time(s)" % (e, received[e]))
problems = []
if lost: problems.append("lost (never received, not uncertain): %s" % lost[:20])
if unexplained: problems.append("delivered twice but not uncertain: %s" % unexplained[:20])
if strangers: problems.append("received messages for unknown events: %s" % strangers[:20])
if status.get("rejected", 0): problems.append("%d valid event(s) recorded as rejected (see the rejected table)" % status["rejected"])
if len(states) != events: problems.append("stored %d messages for %d events" % (len(states), events))
if unfinished: problems.append("not sent and not uncertain: %s" % dict(list(unfinished.items())[:20]))
if sent_missing: problems.append("marked sent but never received: %s" % sent_missing[:20])
if counts.get("sent", 0) != sent_received: problems.append("status says %d sent, the server received %d of them" % (counts.get("sent", 0), sent_received))
if counts.get("sent", 0) + sum(1 for e in uncertain if received[e] > 0) != len(received):
    problems.append("status sent %d + uncertain received != %d distinct events received" % (counts.get("sent", 0), len(received)))
if integrity != "ok": problems.append("the database fails its integrity check: %s" % integrity)
if leased: problems.append("%d message(s) still leased after every process ended" % leased)
if inconsistent: problems.append("state differs from the last journal entry: %s" % inconsistent[:20])
if miscounted: problems.append("state counters differ from the messages (counter, actual): %s" % miscounted)
for p in problems:
    print("crash-loop: VIOLATION: " + p)
with open(os.path.join(work, "figures.json"), "w") as f:
    json.dump({"events": events, "received_messages": sum(received.values()), "received_events": len(received),
               "lost": len(lost), "duplicates": len(duplicates), "unexplained_duplicates": len(unexplained),
               "uncertain": len(uncertain), "violations": len(problems)}, f)
if os.environ.get("MAILROOM_WRITE_RELIABILITY") == "1":
    # The figures of this run into RELIABILITY.md, between the crash-loop markers.
    begin, end = "<!-- crash-loop:begin -->", "<!-- crash-loop:end -->"
    text = open(reliability).read()
    if begin in text and end in text:
        received_uncertain = sum(1 for e in uncertain if received[e] > 0)
        table = "\n".join([
            "Last run (generated by `MAILROOM_WRITE_RELIABILITY=1 scripts/crash-loop.sh`), %s:" % datetime.date.today().isoformat(),
            "",
            "| events | kills survived (send + replay) | send and replay at once | messages received | lost | duplicates | unexplained duplicates | uncertain (received / not received) | violations | seed | time |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            "| %d | %d (%d + %d) | %d | %d for %d events | %d | %d | %d | %d (%d / %d) | %d | %s | %s s |" % (
                events, send_kills + replay_kills, send_kills, replay_kills, concurrent, sum(received.values()), len(received),
                len(lost), len(duplicates), len(unexplained), len(uncertain), received_uncertain,
                len(uncertain) - received_uncertain, len(problems), seed, elapsed),
        ])
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(reliability, "w") as f:
            f.write(head + begin + "\n" + table + "\n" + end + tail)
sys.exit(1 if problems else 0)
EOF
echo "crash-loop: seed $seed, $send_kills send and $replay_kills replay processes killed with SIGKILL ($((send_kills + replay_kills)) kills survived) in $runs runs ($concurrent times send and replay at once); final send/replay/flush exit $final_send/$final_replay/$final_flush; ${elapsed}s"
exit $verdict
