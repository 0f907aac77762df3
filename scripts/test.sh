#!/usr/bin/env bash
# The whole test suite: unit tests, golden MIME files, Python's email parser on every message,
# SMTP against aiosmtpd on loopback (started by the tests themselves) and the scripted fault server,
# the fault matrix and secrets tests against the built binary, then the crash loop at reduced
# size (300 events, 5 SIGKILLs of send; scripts/crash-loop.sh without --quick for the full size).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
swift build --build-tests
swift test --skip-build
scripts/crash-loop.sh --quick
