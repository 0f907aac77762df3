#!/usr/bin/env bash
# A private Postfix instance as a durable local queue, for Benchmarks/run.sh.
#
#   Benchmarks/peers/postfix.sh create DIR SMTPD_PORT SINK_PORT   # DIR/etc (config), DIR/queue, DIR/data
#   Benchmarks/peers/postfix.sh start DIR | stop DIR | master-pid DIR
#
# Its own config_directory, queue_directory and data_directory under DIR, so the system's Postfix
# (if any) is neither used nor touched. It listens on 127.0.0.1:SMTPD_PORT only, accepts mail from
# 127.0.0.0/8 only, delivers nothing locally and relays everything to [127.0.0.1]:SINK_PORT (the
# benchmark's smtp-sink) with DNS off. Otherwise Debian's defaults (master.cf as shipped, process
# limits, connection cache, concurrency), except that no daemon is chrooted: a chroot would need
# copies of /etc files inside a queue that lives in a scratch directory.
set -euo pipefail
cmd=$1; dir=$2

case "$cmd" in
  create)
    smtpd_port=$3; sink_port=$4
    mkdir -p "$dir/etc" "$dir/queue" "$dir/data"
    cat >"$dir/etc/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
mail_owner = postfix
setgid_group = postdrop
myhostname = bench.localhost
mydomain = localhost
myorigin = \$myhostname
mydestination =
local_recipient_maps =
local_transport = error:local delivery is disabled
alias_maps =
alias_database =
inet_interfaces = loopback-only
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
smtpd_relay_restrictions = permit_mynetworks, reject
relayhost = [127.0.0.1]:$sink_port
smtp_dns_support_level = disabled
smtp_host_lookup = native
biff = no
maillog_file_prefixes = $dir
maillog_file = $dir/maillog
syslog_name = postfix-bench
EOF
    # Debian's master.cf, with the public smtpd on port 25 replaced by one on SMTPD_PORT, no chroot.
    awk -v listen="127.0.0.1:$smtpd_port" '
      /^smtp[ \t]+inet[ \t]/ { $1 = listen }
      /^[a-z0-9.:]/ && NF >= 8 && $5 == "y" { $5 = "n" }
      { print }' /etc/postfix/master.cf >"$dir/etc/master.cf"
    chown root:root "$dir" "$dir/etc" "$dir/queue"
    chmod 755 "$dir" "$dir/etc" "$dir/queue"
    chown postfix "$dir/data"
    postfix -c "$dir/etc" check
    ;;
  start) postfix -c "$dir/etc" start ;;
  stop) postfix -c "$dir/etc" stop ;;
  master-pid) sed -n '1s/ //gp' "$dir/queue/pid/master.pid" ;;
  *) echo "postfix.sh: unknown command $cmd" >&2; exit 64 ;;
esac
