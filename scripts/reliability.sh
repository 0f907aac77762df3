#!/usr/bin/env bash
# The full reliability suite at full size, in one command (CI runs the reduced one: scripts/test.sh).
#
#   scripts/reliability.sh [FUZZ_SECONDS]     default 600 seconds per fuzz target
#
# 1. the whole test suite and the quick crash loop (scripts/test.sh)
# 2. the fault matrix and the crash loop at full size, re-generating their figures in RELIABILITY.md
# 3. both libFuzzer targets (Fuzz/run.sh)
# 4. the test suite under AddressSanitizer and under UBSan (scripts/sanitizers.sh)
# Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzz_seconds="${1:-600}"

scripts/test.sh
MAILROOM_WRITE_RELIABILITY=1 swift test --skip-build --filter FaultMatrixTests
MAILROOM_WRITE_RELIABILITY=1 scripts/crash-loop.sh
Fuzz/run.sh "$fuzz_seconds"
scripts/sanitizers.sh address
scripts/sanitizers.sh undefined
echo "reliability: all passed; figures updated in RELIABILITY.md"
