#!/usr/bin/env bash
# The outbox's cost against its history: the same commands on a small and a large outbox.
#
#   Benchmarks/outbox-scale.sh [--sizes "1000 1000000"] [--runs 7] [--warmup 1] [--dir DIR] [--keep]
#
# Builds Mailroom and the benchmark-only seeder (`outbox-seed`, Benchmarks/OutboxSeed) in release
# mode, composes one real message (`mailroom send` of a sample event, held, then
# `mailroom outbox show ID --raw`), and builds one outbox per size THROUGH THE STORE, not by
# sending: `outbox-seed` calls SQLiteOutboxStore.store(_:leasingTo:) in batches of 1,000 and
# journals each message's attempts with beginAttempt/recordAttempt (see its header for the mix:
# all sent but 100 deferred, 60 of them due, 30 held, 10 queued, 20 failed, 10 uncertain; one
# rejected line per 1,000 messages, one duplicate per 2,000). Then it times, with the release
# `mailroom` and the outbox's own directory:
#   outbox status | outbox list --state deferred | replay --dry-run | outbox show ID (a sent one)
# every size in turn, RUNS rounds after WARMUP; and then, in a second phase (each adds a held
# message, which the first phase must not see), `send` of ONE new event with no relay (held).
# Wall time is the whole process from outside (fork to reap), peak RSS the kernel's ru_maxrss
# (Benchmarks/scale_time.py). It prints one Markdown table on stdout and judges nothing: the
# targets are in BENCHMARKS.md. Disk per message is the outbox directory (database, WAL and
# shared-memory file) divided by the messages stored, beside what each message brings (its
# bytes plus its source event).
#
# The 1,000,000-message outbox takes about 6 GB in DIR (default: a new directory under /tmp,
# removed at the end unless --keep; with --keep, outboxes already seeded in DIR are reused, and
# the messages this script sent are deleted from them afterwards with sqlite3).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

sizes="1000 1000000"; runs=7; warmup=1; dir=""; keep=no
while (($#)); do
  case "$1" in
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --dir) dir="$2"; shift 2 ;;
    --keep) keep=yes; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    *) echo "outbox-scale.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
say() { echo "scale: $*" >&2; }

if ! command -v sqlite3 >/dev/null 2>&1 && [ "$keep" = yes ]; then
  say "installing sqlite3 (to remove this script's messages from kept outboxes)"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq sqlite3 >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /opt/swift/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
say "building mailroom and outbox-seed (release)"
swift build -c release --product mailroom >&2
swift build -c release --product outbox-seed >&2
bin=$(swift build -c release --show-bin-path)
mailroom="$bin/mailroom"
seeder="$bin/outbox-seed"

if [ -z "$dir" ]; then dir=$(mktemp -d /tmp/mailroom-scale.XXXXXX); fi
mkdir -p "$dir"
work="$dir/work"
rm -rf "$work"; mkdir -p "$work"
cleanup() {
  if [ "$keep" = yes ]; then rm -rf "$work"; say "outboxes kept in $dir"
  else say "removing $dir"; rm -rf "$dir"; fi
}
trap cleanup EXIT INT TERM
unset MAILROOM_SMTP_URL MAILROOM_OUTBOX MAILROOM_TEMPLATES
common=(--config "$repo/config/mailroom.yaml" --templates "$repo/Templates")

# --- one real message to seed with ---------------------------------------------------------------
python3 Benchmarks/gen_events.py 6 sample >"$work/sample.ndjson"
"$mailroom" send "${common[@]}" --outbox "$work/sample-outbox" --quiet "$work/sample.ndjson" 2>>"$work/commands.log" || true
sample_id=$("$mailroom" outbox list "${common[@]}" --outbox "$work/sample-outbox" | sed -n 1p | cut -f1)
"$mailroom" outbox show "${common[@]}" --outbox "$work/sample-outbox" --raw "$sample_id" >"$work/sample.eml"
say "sample message $sample_id: $(wc -c <"$work/sample.eml") bytes"

meta="$work/meta.tsv"
{ echo "runs	$runs"; echo "warmup	$warmup"; } >"$meta"
# --- the outboxes, through the store -------------------------------------------------------------
for n in $sizes; do
  outbox="$dir/outbox-$n"
  if [ "$keep" = yes ] && [ -s "$dir/seeded-$n.txt" ] && [ -d "$outbox" ]; then
    say "reusing the outbox of $n messages in $outbox"
  else
    rm -rf "$outbox" "$dir/seeded-$n.txt"
    say "seeding $n messages into $outbox"
    "$seeder" --outbox "$outbox" --count "$n" --sample "$work/sample.eml" >"$dir/seeded-$n.txt.part"
    mv "$dir/seeded-$n.txt.part" "$dir/seeded-$n.txt"
  fi
  read -r _ messages _ bytes _ event_bytes _ rejected _ duplicates _ seconds <"$dir/seeded-$n.txt"
  say "outbox of $n: $messages messages, $bytes message bytes, $event_bytes event bytes, seeded in $seconds s"
  {
    echo "messages_$n	$messages"
    echo "content_$n	$((bytes + event_bytes))"
    echo "seconds_$n	$seconds"
    echo "apparent_$n	$(du -sb "$outbox" | cut -f1)"
    echo "allocated_$n	$(du -s --block-size=1 "$outbox" | cut -f1)"
  } >>"$meta"
  status=$("$mailroom" outbox status "${common[@]}" --outbox "$outbox" --json)
  mix=$(python3 -c 'import json, sys
d = json.loads(sys.argv[1]); rejected, duplicates = d["rejected"], d["duplicates"]
counts = sorted(d["counts"].items(), key=lambda kv: -kv[1])
print(", ".join(f"{k} {v:,}" for k, v in counts) + f"; rejected {rejected:,}, duplicates {duplicates:,}")' "$status")
  deferred=$("$mailroom" outbox list "${common[@]}" --outbox "$outbox" --state deferred | wc -l)
  due=$("$mailroom" replay "${common[@]}" --outbox "$outbox" --dry-run 2>/dev/null | wc -l)
  show=$("$mailroom" outbox show "${common[@]}" --outbox "$outbox" "seed-$((n / 2))" | wc -c)
  echo "mix_$n	$mix; list --state deferred prints $deferred lines, replay --dry-run $due, outbox show seed-$((n / 2)) $show bytes" >>"$meta"
  say "outbox of $n: $mix"
  say "outbox of $n: $deferred deferred listed, $due due for replay, show prints $show bytes"
done

# --- the commands, every size in turn --------------------------------------------------------------
plan="$work/plan.tsv"; : >"$plan"
sends="$work/sends.tsv"; : >"$sends"
tags="$(seq -f 'w%g' "$warmup") $(seq "$runs")"
for n in $sizes; do
  outbox="$dir/outbox-$n"
  args=("${common[@]}" --outbox "$outbox")
  join() { local IFS=$'\t'; echo "$*"; }
  join status "$n" - "$mailroom" outbox status "${args[@]}" >>"$plan"
  join list-deferred "$n" - "$mailroom" outbox list "${args[@]}" --state deferred >>"$plan"
  join replay-dry-run "$n" - "$mailroom" replay "${args[@]}" --dry-run >>"$plan"
  join show "$n" - "$mailroom" outbox show "${args[@]}" "seed-$((n / 2))" >>"$plan"
  for tag in $tags; do
    python3 Benchmarks/gen_events.py 1 "scale-$n-$tag-$$" >"$work/event-$n-$tag.ndjson"
  done
  join send "$n" - "$mailroom" send "${args[@]}" --quiet "$work/event-$n-{round}.ndjson" >>"$sends"
done
echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$meta"
results="$work/results.tsv"
say "timing: $runs rounds of status, list, replay --dry-run, show"
python3 Benchmarks/scale_time.py run "$plan" "$runs" "$warmup" >"$results"
say "timing: $runs rounds of send (one event each)"
python3 Benchmarks/scale_time.py run "$sends" "$runs" "$warmup" >>"$results"
echo "load_after	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$meta"
python3 Benchmarks/scale_time.py table "$results" "$meta"

if [ "$keep" = yes ]; then
  for n in $sizes; do
    sqlite3 "$dir/outbox-$n/outbox.sqlite" >/dev/null <<SQL
PRAGMA busy_timeout = 10000;
BEGIN IMMEDIATE;
CREATE TEMP TABLE gone AS SELECT id FROM messages WHERE event_id LIKE 'scale-%';
DELETE FROM journal WHERE message IN (SELECT id FROM gone);
DELETE FROM message_content WHERE message IN (SELECT id FROM gone);
DELETE FROM messages WHERE id IN (SELECT id FROM gone);
COMMIT;
SQL
  done
fi
