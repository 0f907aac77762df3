#!/usr/bin/env bash
# Installs the Debian packages Mailroom needs, skipping those already present.
# Usage: scripts/bootstrap.sh [extra-package ...]
set -euo pipefail

packages=(libcurl4-openssl-dev libsqlite3-dev sqlite3 python3-aiosmtpd python3-dkim python3-nacl python3-prometheus-client curl openssl ca-certificates tmux less chromium iproute2 postgresql "$@")
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "bootstrap: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if ! command -v swift >/dev/null 2>&1; then
  for d in /opt/swift/usr/bin /opt/swift/bin; do [ -x "$d/swift" ] && export PATH="$d:$PATH"; done
fi
command -v swift >/dev/null 2>&1 || { echo "bootstrap: Swift 6.3 is required (swift not on PATH)" >&2; exit 1; }
