#!/usr/bin/env bash
# HTTP intake of `mailroom serve` on loopback (issue #12's performance item):
#   intake   N events (default 100,000) POSTed in requests of 100 from 4 keep-alive connections,
#            stored durably (every reply 200 = every event in the outbox, fsynced), while serve
#            delivers them to smtp-sink at full speed: events/s.
#   latency  then 1,000 one-event POSTs, one at a time, while serve is still delivering the
#            backlog: p50/p90/p99/max in ms.
# Usage: Benchmarks/serve-intake.sh [--events N] [--clients C] [--connections C] [--runs R]
# Installs postfix (smtp-sink) if missing; builds mailroom in release mode; all on 127.0.0.1.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"
events=100000 clients=4 connections=4 runs=1 latency_count=1000
while (($#)); do
  case "$1" in
    --events) events="$2"; shift 2 ;;
    --clients) clients="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --latency-count) latency_count="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "serve-intake.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
say() { echo "bench: $*" >&2; }
if [ ! -x /usr/sbin/smtp-sink ]; then
  say "installing postfix (for smtp-sink)"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq && apt-get install -y -qq postfix >/dev/null
fi
if command -v postfix >/dev/null && postfix status >/dev/null 2>&1; then postfix stop >/dev/null 2>&1 || true; fi
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /opt/swift/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
say "building mailroom (release)"
swift build -c release --product mailroom >&2
mailroom="$repo/.build/release/mailroom"
python=/usr/bin/python3

work=$(mktemp -d /tmp/mailroom-serve-bench.XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(-u nobody)
sink_port=$(free_port)
/usr/sbin/smtp-sink "${user_opt[@]}" -p "127.0.0.1:$sink_port" 256 >"$work/sink.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$sink_port") 2>/dev/null && break; sleep 0.1; done
sed -e "s/^  connections: .*/  connections: $connections/" "$repo/config/mailroom.yaml" >"$work/mailroom.yaml"

for run in $(seq "$runs"); do
  "$python" "$repo/Benchmarks/gen_events.py" "$events" "bench$run" >"$work/events.ndjson"
  "$python" "$repo/Benchmarks/gen_events.py" "$latency_count" "lat$run" >"$work/latency.ndjson"
  outbox="$work/outbox-$run"
  "$mailroom" serve --config "$work/mailroom.yaml" --outbox "$outbox" --smtp-url "smtp://127.0.0.1:$sink_port" \
    --listen 127.0.0.1:0 --quiet 2>"$work/serve-$run.log" &
  serve=$!
  pids+=($serve)
  port=""
  for _ in $(seq 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/serve-$run.log" | head -1)
    [ -n "$port" ] && break
    sleep 0.1
  done
  [ -n "$port" ] || { say "serve did not start"; cat "$work/serve-$run.log" >&2; exit 1; }
  intake=$("$python" "$repo/Benchmarks/serve_client.py" intake "$port" "$work/events.ndjson" --clients "$clients")
  latency=$("$python" "$repo/Benchmarks/serve_client.py" latency "$port" "$work/latency.ndjson" --count "$latency_count")
  sent=$("$mailroom" outbox status --json --outbox "$outbox" --config "$work/mailroom.yaml" \
           | "$python" -c 'import json,sys; print(json.load(sys.stdin)["counts"]["sent"])')
  echo "run $run intake:  $intake"
  echo "run $run latency (while delivering; $sent of $((events + latency_count)) sent when it ended): $latency"
  kill -TERM "$serve"; wait "$serve" || say "serve exited $?"
done
