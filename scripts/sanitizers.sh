#!/usr/bin/env bash
# The test suite under the sanitizers (not run in CI: each needs its own full build).
#
#   scripts/sanitizers.sh [SANITIZER ...] [-- SWIFT-TEST-ARGUMENTS ...]
#
# SANITIZER is address, undefined or thread (default: address undefined thread). Each builds into
# its own scratch directory (.build-SANITIZER) so the ordinary .build is left alone, then runs the
# tests with --skip-build; the `mailroom` binary the CLI tests start is instrumented too. Any
# sanitizer report fails the run.
#
# swiftc has no -sanitize=undefined on Linux ("unsupported option"): Swift code traps on overflow,
# out-of-bounds and bad unwraps by itself in these debug builds. `undefined` therefore instruments
# the C code (the CCurl shim and the C inside dependencies) with clang's UBSan and links its runtime. Arguments after `--` go to `swift test`, e.g.
#   scripts/sanitizers.sh address -- --filter MailroomTests
# Reports are kept in .build-SANITIZER/sanitizer-test.log.
set -euo pipefail
cd "$(dirname "$0")/.."
SANITIZERS=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do SANITIZERS+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ ${#SANITIZERS[@]} -eq 0 ] && SANITIZERS=(address undefined thread)
RUNTIMES="$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/clang"
RUNTIMES="$(ls -d "$RUNTIMES"/*/lib/linux | tail -1)"

export ASAN_OPTIONS="${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=0:detect_stack_use_after_return=0}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}"
# Not halting: TSan on Linux reports every Synchronization.Mutex.withLock body as a race (it
# cannot see the futex the Mutex locks with), so collect all reports and read them.
export TSAN_OPTIONS="${TSAN_OPTIONS:-halt_on_error=0:second_deadlock_stack=1}"

status=0
for sanitizer in "${SANITIZERS[@]}"; do
    scratch=".build-$sanitizer"
    echo "== $sanitizer: building into $scratch" >&2
    if [ "$sanitizer" = undefined ]; then
        flags=(-Xcc -fsanitize=undefined -Xcc -fno-sanitize-recover=undefined
               -Xlinker -L"$RUNTIMES" -Xlinker -lclang_rt.ubsan_standalone-x86_64 -Xlinker -rpath -Xlinker "$RUNTIMES")
    else
        flags=(--sanitize="$sanitizer")
    fi
    swift build --build-tests "${flags[@]}" --scratch-path "$scratch"
    echo "== $sanitizer: testing" >&2
    set +e
    swift test --skip-build "${flags[@]}" --scratch-path "$scratch" "$@" 2>&1 | tee "$scratch/sanitizer-test.log"
    rc=${PIPESTATUS[0]}
    set -e
    reports=$(grep -c -E "ERROR: (Address|Thread|Undefined)Sanitizer|WARNING: ThreadSanitizer|runtime error:" "$scratch/sanitizer-test.log" || true)
    echo "== $sanitizer: swift test exit $rc, $reports sanitizer reports" >&2
    if [ "$rc" -ne 0 ] || [ "$reports" -ne 0 ]; then status=1; fi
done
exit "$status"
