#!/usr/bin/env bash
# Mailroom's benchmark: one command, loopback only, one table on stdout.
#
#   Benchmarks/run.sh [--quick] [--sizes "1000 10000 100000"] [--runs 3] [--connections 4]
#                     [--peer-max 10000] [--wire-count 10000] [--render-count 50000]
#                     [--slow-count 32] [--slow-delay 1] [--large-runs R] [--keep DIR]
#                     [--sendmail-max 3000]
#
# Installs what it needs (postfix for smtp-sink/smtp-source and the Postfix peer, GNU time,
# python3-venv; django-post_office from PyPI into a venv in its scratch directory), builds Mailroom
# in release mode, generates events (3 types x 2 locales) and measures, each figure R times side by side:
#   end to end   mailroom send (stdin) -> smtp-sink, outbox durable (the SQLite store as shipped);
#                C connections, and (for N up to --peer-max, beside the peer) 1 connection pinned;
#                N above --peer-max runs --large-runs times
#   after delete the same C-connection send into a fresh outbox right after `rm -rf` of the
#                previous run's outbox (N messages) and of a tree of N directories x 4 files (the
#                inodes the directory outbox used for N messages), beside the calm row
#   peer         Benchmarks/peers/python_peer.py (Jinja2 + EmailMessage + smtplib, fsync per message)
#   post_office  django-post_office from PyPI in a venv of Debian's python3 (Benchmarks/peers/
#                post_office_peer.py): mail.send(template=..., context=...) per event into SQLite,
#                then send_queued_mail; enqueue and delivery timed apart and together
#   postfix      a private Postfix instance (Benchmarks/peers/postfix.sh) as a durable local queue
#                relaying to the sink, fed the messages Mailroom rendered (it renders nothing) by
#                Benchmarks/peers/postfix_feed.py over one SMTP connection, and by one `sendmail`
#                per message (N up to --sendmail-max), timed until the sink has them all
#                (every peer for N up to --peer-max, calm and right after a deletion, as Mailroom)
#   wire limit   smtp-source with Mailroom-sized messages, 1 connection pinned, and C connections
#   floor        Benchmarks/floor/libcurl_send.c: libcurl alone with Mailroom's options sending one
#                pre-built Mailroom message, 1 connection pinned and C connections (what any
#                libcurl-based sender can reach here)
#   render only  mailroom-render-benchmark (validate + render + MIME in memory), pinned to one CPU
#   slow relay   smtp-sink -w DELAY (every DATA answered after DELAY s); Mailroom with 1, 4, 16 connections
# Every smtp-sink announces no PIPELINING (-p), because libcurl does not pipeline.
# "Pinned" means client and server both run under `taskset -c 1`.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

sizes="1000 10000 100000"; runs=3; connections=4; peer_max=10000; wire_count=10000
render_count=50000; slow_count=32; slow_delay=1; keep=""; large_runs=""; sendmail_max=3000
while (($#)); do
  case "$1" in
    --quick) sizes="200 1000"; peer_max=1000; wire_count=1000; render_count=5000; slow_count=16
             sendmail_max=200; shift ;;
    --sizes) sizes="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --peer-max) peer_max="$2"; shift 2 ;;
    --wire-count) wire_count="$2"; shift 2 ;;
    --render-count) render_count="$2"; shift 2 ;;
    --slow-count) slow_count="$2"; shift 2 ;;
    --slow-delay) slow_delay="$2"; shift 2 ;;
    --keep) keep="$2"; shift 2 ;;
    --large-runs) large_runs="$2"; shift 2 ;;
    --sendmail-max) sendmail_max="$2"; shift 2 ;;
    -h|--help) sed -n '2,34p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1 (see --help)" >&2; exit 64 ;;
  esac
done
say() { echo "bench: $*" >&2; }

# --- what it needs ---------------------------------------------------------------------------
if [ ! -x /usr/sbin/smtp-sink ] || [ ! -x /usr/bin/time ] || ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1 \
   || ! command -v "${CC:-cc}" >/dev/null 2>&1; then
  say "installing postfix (for smtp-sink, smtp-source), time, libcurl4-openssl-dev and a C compiler"
  export DEBIAN_FRONTEND=noninteractive
  echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq postfix time libcurl4-openssl-dev gcc >/dev/null
fi
# The package may start a mail system; nothing but our own sinks may listen.
if command -v postfix >/dev/null && postfix status >/dev/null 2>&1; then postfix stop >/dev/null 2>&1 || true; fi
command -v systemctl >/dev/null && systemctl disable --now postfix >/dev/null 2>&1 || true
python=python3
if ! "$python" -c 'import jinja2' 2>/dev/null; then
  if /usr/bin/python3 -c 'import jinja2' 2>/dev/null; then python=/usr/bin/python3
  else
    say "installing python3-jinja2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-jinja2 >/dev/null
    python=/usr/bin/python3
  fi
fi
# django-post_office goes into a venv of Debian's python3 (below): the python3 that CI's fresh Debian
# has, whatever else is first on PATH here.
if ! /usr/bin/python3 -c 'import ensurepip, venv' 2>/dev/null; then
  say "installing python3-venv"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /opt/swift/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
say "building mailroom (release)"
swift build -c release --product mailroom >&2
swift build -c release --product mailroom-render-benchmark >&2
mailroom="$repo/.build/release/mailroom"
render_benchmark="$repo/.build/release/mailroom-render-benchmark"
# The render benchmark takes the sender from the shipped configuration, as `send` would.
sender() { sed -n "s/^  $1: \"\{0,1\}\([^\"]*\)\"\{0,1\}\$/\1/p" "$repo/config/mailroom.yaml"; }
cc=${CC:-cc}
command -v "$cc" >/dev/null 2>&1 || cc=clang

# --- scratch space and servers, all removed by the trap ----------------------------------------
work=$(mktemp -d /tmp/mailroom-bench.XXXXXX)
chmod 711 "$work"  # Postfix's daemons run as user postfix and must reach their queue inside it
pids=()
postfixes=()  # private Postfix instances (their directories), stopped by the trap
cleanup() {
  for dir in "${postfixes[@]}"; do stop_postfix "$dir"; done
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ -n "$keep" ]; then mkdir -p "$keep"; cp "$work"/*.tsv "$work"/*.log "$keep"/ 2>/dev/null || true; fi
  say "removing $work"
  rm -rf "$work"
}
trap cleanup EXIT INT TERM
user_opt=(); [ "$(id -u)" = 0 ] && user_opt=(-u nobody)
free_port() { "$python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# start_sink NAME PIN(yes|no) [extra smtp-sink options]: sets port_NAME.
start_sink() {
  local name=$1 pin=$2; shift 2
  local port; port=$(free_port)
  local prefix=(); [ "$pin" = yes ] && prefix=(taskset -c 1)
  "${prefix[@]}" /usr/sbin/smtp-sink "${user_opt[@]}" -p "$@" "127.0.0.1:$port" 256 >"$work/sink-$name.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  printf -v "port_$name" '%s' "$port"
}
start_sink pinned yes
# -c: a running count of the messages it has taken, which tells when Postfix has delivered them all.
start_sink free no -c
start_sink slow no -w "$slow_delay"

config() {  # config FILE CONNECTIONS
  sed -e "s/^  connections: .*/  connections: $2/" "$repo/config/mailroom.yaml" >"$1"
}
for c in 1 4 16 "$connections"; do config "$work/c$c.yaml" "$c"; done
floor="$work/libcurl_send"
"$cc" -O2 -o "$floor" "$repo/Benchmarks/floor/libcurl_send.c" -lcurl -lpthread

# --- the peers that do the whole job or the queue's part: django-post_office and Postfix ---------
say "installing django-post_office into a venv under $work"
/usr/bin/python3 -m venv "$work/venv"
"$work/venv/bin/pip" install -q --disable-pip-version-check 'django-post_office==3.12.0' 'Django>=5.2,<5.3' >&2
po_versions=$("$work/venv/bin/pip" list --format=freeze 2>/dev/null | grep -i -E '^(django|django[-_]post[-_]office)==' | tr '\n' ' ')
# post_office ROW N RUN EVENTS: a fresh django-post_office site, its SQLite queue in
# $work/post_office-ROW-N-RUN; the enqueue and the delivery are measured apart (ROW-enq, ROW-dlv).
post_office() {
  local row=$1 n=$2 run=$3 events=$4 dir="$work/post_office-$1-$2-$3"
  mkdir -p "$dir"
  TMPDIR="$dir" "$work/venv/bin/python" Benchmarks/peers/post_office_peer.py setup "$dir" "$port_free" \
    >>"$work/commands.log" 2>&1
  TMPDIR="$dir" measure "$row-enq" "$n" "$run" "$work/venv/bin/python" Benchmarks/peers/post_office_peer.py \
    enqueue "$dir" "$port_free" "$events"
  TMPDIR="$dir" measure "$row-dlv" "$n" "$run" "$work/venv/bin/python" Benchmarks/peers/post_office_peer.py \
    deliver "$dir" "$port_free" "$n"
}
stop_postfix() {  # stop_postfix DIR: stops the instance and waits for its master to go
  local dir=$1 pid
  pid=$(Benchmarks/peers/postfix.sh master-pid "$dir" 2>/dev/null) || return 0
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  Benchmarks/peers/postfix.sh stop "$dir" >>"$work/commands.log" 2>&1 || kill "$pid" 2>/dev/null || true
  for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
}
# postfix_queue ROW N RUN MODE: a fresh private Postfix in $work/postfix-ROW-N-RUN, fed the N messages
# Mailroom rendered (MODE smtp or sendmail), timed until the sink has them all, then stopped.
postfix_queue() {
  local row=$1 n=$2 run=$3 mode=$4 dir="$work/postfix-$1-$2-$3" port
  port=$(free_port)
  postfixes+=("$dir")
  if ! Benchmarks/peers/postfix.sh create "$dir" "$port" "$port_free" >>"$work/commands.log" 2>&1 \
     || ! Benchmarks/peers/postfix.sh start "$dir" >>"$work/commands.log" 2>&1; then
    say "FAILED: starting Postfix in $dir"; tail -5 "$dir/maillog" >&2 2>/dev/null; exit 1
  fi
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
  if ! /usr/bin/python3 Benchmarks/peers/postfix_feed.py feed "$mode" "$work/rendered-$n.messages" "$dir" \
      "$port" "$work/sink-free.log" "$work/postfix.out" >>"$work/commands.log" 2>&1; then
    say "FAILED: $row (n=$n run=$run)"; tail -5 "$work/commands.log" >&2; tail -5 "$dir/maillog" >&2; exit 1
  fi
  stop_postfix "$dir"
  printf '%s\t%s\t%s\t%s\t%s\n' "$row" "$n" "$run" "$(sed -n 1p "$work/postfix.out" | tr ' ' '\t')" \
    "$(sed -n 2p "$work/postfix.out" | tr ' ' '\t')" >>"$results"
}
# after_delete STORE N RUN: `rm -rf` of STORE (the previous row's outbox or queue, N messages) and of
# a directory-layout tree of N messages, as before Mailroom's after-delete row.
after_delete() {
  legacy_tree "$work/legacy-$2-$3-$RANDOM" "$2"
  rm -rf "$1" "$work"/legacy-"$2-$3"-*
}

results="$work/results.tsv"
: >"$results"
# measure ROW N RUN [pin] -- command...: appends "row N run elapsed user sys rss_kb" to results.
measure() {
  local row=$1 n=$2 run=$3; shift 3
  local out="$work/time.out"
  if ! /usr/bin/time -f '%e %U %S %M' -o "$out" "$@" >>"$work/commands.log" 2>&1; then
    say "FAILED: $row (n=$n run=$run): $*"; tail -5 "$work/commands.log" >&2; exit 1
  fi
  printf '%s\t%s\t%s\t%s\n' "$row" "$n" "$run" "$(tr ' ' '\t' <"$out")" >>"$results"
}
send() {  # send ROW N RUN CONNECTIONS PORT PIN EVENTS
  local row=$1 n=$2 run=$3 c=$4 port=$5 pin=$6 events=$7
  # A fresh outbox per run, deleted only at the end (but by the after-delete row): on this ext4
  # (no journal) every inode freed recently (seconds to minutes) is skipped, slowly, by the next
  # inode allocation, so deleting files here would slow what follows (see BENCHMARKS.md).
  local outbox="$work/outbox-$row-$n-$run"
  local prefix=(); [ "$pin" = yes ] && prefix=(taskset -c 1)
  measure "$row" "$n" "$run" "${prefix[@]}" sh -c 'exec "$@" <"$0"' "$events" "$mailroom" send \
    --config "$work/c$c.yaml" --templates "$repo/Templates" --outbox "$outbox" \
    --smtp-url "smtp://127.0.0.1:$port" -
}

# check_outbox DIR N: every one of the N events is stored and sent (the store's own counters).
check_outbox() {
  local counts
  counts=$("$mailroom" outbox status --config "$work/c1.yaml" --templates "$repo/Templates" --outbox "$1" --json \
    | "$python" -c 'import json, sys; d = json.load(sys.stdin); print(d["total"], d["counts"]["sent"])')
  if [ "$counts" != "$2 $2" ]; then
    say "FAILED: outbox $1 holds (total sent) $counts, expected $2 $2"; exit 1
  fi
}
# legacy_tree DIR N: the inodes an outbox of N messages took in the directory layout (a directory
# and message.eml, event.json, meta.json, journal.ndjson per message), to delete before a run.
legacy_tree() {
  "$python" - "$1" "$2" <<'PY'
import os, sys
root, n = sys.argv[1], int(sys.argv[2])
os.makedirs(os.path.join(root, "messages"))
for i in range(n):
    d = os.path.join(root, "messages", f"m{i:07d}")
    os.mkdir(d)
    for name, size in (("message.eml", 5120), ("event.json", 400), ("meta.json", 300), ("journal.ndjson", 600)):
        with open(os.path.join(d, name), "wb") as f:
            f.write(b"x" * size)
PY
}

say "load before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "load_before	$(cut -d' ' -f1-3 /proc/loadavg)" >"$work/meta.tsv"
echo "post_office_versions	$po_versions" >>"$work/meta.tsv"
echo "postfix_version	$(postconf -d -h mail_version 2>/dev/null || echo '?')" >>"$work/meta.tsv"
echo "sendmail_max	$sendmail_max" >>"$work/meta.tsv"

# --- end to end, peer and wire limit, side by side per run ----------------------------------------
"$python" Benchmarks/gen_events.py 6 sample >"$work/sample.ndjson"
for n in $sizes; do
  "$python" Benchmarks/gen_events.py "$n" "bench$n" >"$work/events-$n.ndjson"
done
# A representative Mailroom message for smtp-source: stored by a held run, LF line ends for -F.
"$mailroom" send --config "$work/c1.yaml" --templates "$repo/Templates" --outbox "$work/sample-outbox" \
  --quiet "$work/sample.ndjson" 2>>"$work/commands.log" || true
sample_id=$("$mailroom" outbox list --config "$work/c1.yaml" --templates "$repo/Templates" \
  --outbox "$work/sample-outbox" | sed -n 1p | cut -f1)
"$mailroom" outbox show --config "$work/c1.yaml" --templates "$repo/Templates" --outbox "$work/sample-outbox" \
  --raw "$sample_id" >"$work/message.eml"
tr -d '\r' <"$work/message.eml" >"$work/message.txt"
echo "message_bytes	$(wc -c <"$work/message.eml")" >>"$work/meta.tsv"
echo "wire_count	$wire_count" >>"$work/meta.tsv"
"$python" Benchmarks/gen_events.py "$wire_count" "wire" >"$work/events-wire.ndjson"
# What Postfix is fed: the messages Mailroom renders for the same events (a held send, exported).
for n in $sizes; do
  [ "$n" -le "$peer_max" ] || continue
  "$mailroom" send --config "$work/c1.yaml" --templates "$repo/Templates" --outbox "$work/rendered-$n" \
    --quiet "$work/events-$n.ndjson" 2>>"$work/commands.log"
  /usr/bin/python3 Benchmarks/peers/postfix_feed.py export "$work/rendered-$n" "$work/rendered-$n.messages" \
    2>>"$work/commands.log"
done

for run in $(seq "$runs"); do
  for n in $sizes; do
    if [ "$n" -gt "$peer_max" ] && [ "$run" -gt "${large_runs:-$runs}" ]; then continue; fi
    # The calm rows first, then the same rows right after a deletion (each after its own `rm -rf`).
    say "run $run/$runs: end to end n=$n"
    send "e2e-c" "$n" "$run" "$connections" "$port_free" no "$work/events-$n.ndjson"
    check_outbox "$work/outbox-e2e-c-$n-$run" "$n"
    peers=no; [ "$n" -le "$peer_max" ] && peers=yes
    sendmail=no; [ "$n" -le "$peer_max" ] && [ "$n" -le "$sendmail_max" ] && sendmail=yes
    if [ $peers = yes ]; then
      send "e2e-1" "$n" "$run" 1 "$port_pinned" yes "$work/events-$n.ndjson"
      check_outbox "$work/outbox-e2e-1-$n-$run" "$n"
      measure "peer" "$n" "$run" taskset -c 1 "$python" Benchmarks/peers/python_peer.py \
        "$work/events-$n.ndjson" "$work/peer-out-$n-$run" 127.0.0.1 "$port_pinned"
      say "run $run/$runs: django-post_office n=$n"
      post_office "po" "$n" "$run" "$work/events-$n.ndjson"
      say "run $run/$runs: Postfix over SMTP n=$n"
      postfix_queue "pf-smtp" "$n" "$run" smtp
      if [ $sendmail = yes ]; then
        say "run $run/$runs: Postfix through sendmail n=$n"
        postfix_queue "pf-sendmail" "$n" "$run" sendmail
      fi
    fi
    say "run $run/$runs: end to end n=$n right after deleting a large outbox"
    after_delete "$work/outbox-e2e-c-$n-$run" "$n" "$run"
    send "e2e-del" "$n" "$run" "$connections" "$port_free" no "$work/events-$n.ndjson"
    check_outbox "$work/outbox-e2e-del-$n-$run" "$n"
    if [ $peers = yes ]; then
      say "run $run/$runs: django-post_office n=$n right after deleting a queue"
      after_delete "$work/post_office-po-$n-$run" "$n" "$run"
      post_office "po-del" "$n" "$run" "$work/events-$n.ndjson"
      say "run $run/$runs: Postfix over SMTP n=$n right after deleting a queue"
      after_delete "$work/postfix-pf-smtp-$n-$run" "$n" "$run"
      postfix_queue "pf-smtp-del" "$n" "$run" smtp
      if [ $sendmail = yes ]; then
        say "run $run/$runs: Postfix through sendmail n=$n right after deleting a queue"
        after_delete "$work/postfix-pf-sendmail-$n-$run" "$n" "$run"
        postfix_queue "pf-sendmail-del" "$n" "$run" sendmail
      fi
    fi
  done
  say "run $run/$runs: wire limit n=$wire_count"
  send "e2e-1" "wire" "$run" 1 "$port_pinned" yes "$work/events-wire.ndjson"
  measure "wire-1" "wire" "$run" taskset -c 1 /usr/sbin/smtp-source -d -s 1 -m "$wire_count" \
    -F "$work/message.txt" "127.0.0.1:$port_pinned"
  measure "floor-1" "wire" "$run" taskset -c 1 "$floor" "$work/message.eml" "$wire_count" 1 \
    "smtp://127.0.0.1:$port_pinned"
  send "e2e-c" "wire" "$run" "$connections" "$port_free" no "$work/events-wire.ndjson"
  measure "wire-c" "wire" "$run" /usr/sbin/smtp-source -d -s "$connections" -m "$wire_count" \
    -F "$work/message.txt" "127.0.0.1:$port_free"
  measure "floor-c" "wire" "$run" "$floor" "$work/message.eml" "$wire_count" "$connections" \
    "smtp://127.0.0.1:$port_free"
  say "run $run/$runs: render only"
  taskset -c 1 "$render_benchmark" --stages --templates "$repo/Templates" --from "$(sender from)" \
    --reply-to "$(sender reply_to)" --message-id-domain "$(sender message_id_domain)" \
    --company "$(sender organization)" --count "$render_count" "$work/events-wire.ndjson" >"$work/render.out" 2>>"$work/commands.log"
  rate=$(sed -n 's/.* messages, .* \([0-9][0-9]*\) msgs\/s$/\1/p' "$work/render.out")
  printf 'render\t%s\t%s\t%s\n' "$render_count" "$run" "$rate" >>"$results"
  # The stages alone (same loop, same events): where the render-only time goes.
  decode=$(sed -n 's/.*stages: decode \([0-9][0-9]*\) msgs\/s.*/\1/p' "$work/render.out")
  rendered=$(sed -n 's/.*decode + render \([0-9][0-9]*\) msgs\/s.*/\1/p' "$work/render.out")
  printf 'render-decode\t%s\t%s\t%s\n' "$render_count" "$run" "$decode" >>"$results"
  printf 'render-templates\t%s\t%s\t%s\n' "$render_count" "$run" "$rendered" >>"$results"
done

"$python" Benchmarks/gen_events.py "$slow_count" "slow" >"$work/events-slow.ndjson"
for run in $(seq "$runs"); do
  for c in 1 4 16; do
    say "run $run/$runs: slow relay, $c connection(s)"
    send "slow-$c" "$slow_count" "$run" "$c" "$port_slow" no "$work/events-slow.ndjson"
  done
done

echo "load_after	$(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/meta.tsv"
cp "$work/meta.tsv" "$work/meta.log"
"$python" Benchmarks/summarize.py "$results" "$work/meta.tsv" "$connections" "$slow_delay"
