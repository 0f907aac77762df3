#!/usr/bin/env bash
# The main job: build Mailroom and send the example events with the embedded default
# configuration. No SMTP URL is configured, so the messages are rendered, stored durably in
# ./outbox and kept `held`; `mailroom replay --smtp-url ...` delivers them later.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
swift build -c release --product mailroom
.build/release/mailroom send config/examples/events.ndjson
.build/release/mailroom outbox status
