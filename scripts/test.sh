#!/usr/bin/env bash
# The whole test suite: unit tests, golden MIME files, Python's email parser on every message,
# SMTP against aiosmtpd on loopback (started by the tests themselves) and the scripted fault server.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
swift build --build-tests
swift test --skip-build
