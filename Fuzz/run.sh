#!/usr/bin/env bash
# Builds Mailroom's two libFuzzer targets and runs each for a bounded time.
#
#   Fuzz/run.sh [SECONDS] [TARGET ...]     SECONDS per target (default 600); TARGET is
#                                          event-decoding and/or message-composing (default both)
#
#   FUZZ_MAX_LEN=N                         longest input tried (default 16384 bytes)
#
# The targets are compiled straight from the sources they test with -sanitize=fuzzer,address;
# SwiftPM builds only swift-system (the event reader's FileDescriptor and Errno), whose module
# and objects event-decoding links. The working corpus lives in Fuzz/.build/corpus-TARGET
# (seeded from Fuzz/seeds/TARGET, Fuzz/regressions/TARGET and, for events, the hostile-input
# corpus); crashes land in Fuzz/.build/artifacts/. Every file in Fuzz/regressions/TARGET is
# replayed first and must pass. Exit status: non-zero when a target crashed or violated an
# invariant. A summary line per target goes to Fuzz/.build/summary.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET="${1:-600}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(event-decoding message-composing)
OUT=Fuzz/.build
mkdir -p "$OUT/artifacts"
SRC=Sources/Mailroom
SYSTEM_BUILD=.build/release

build() {
    local target="$1"
    local files=() linked=()
    case "$target" in
        event-decoding)
            files=(Fuzz/EventDecoding/main.swift "$SRC"/Events/*.swift "$SRC"/Calendar/*.swift "$SRC"/Addressing/*.swift "$SRC"/MIME/*/*.swift "$SRC"/Text/*.swift "$SRC"/Templates/RenderedEmail.swift)
            swift build -c release --target SystemPackage >&2
            linked=(-I "$SYSTEM_BUILD/Modules"
                    -Xcc -fmodule-map-file=.build/checkouts/swift-system/Sources/CSystem/include/module.modulemap
                    "$SYSTEM_BUILD"/SystemPackage.build/*.o "$SYSTEM_BUILD"/CSystem.build/*.o) ;;
        message-composing)
            files=(Fuzz/MessageComposing/main.swift "$SRC"/MIME/*/*.swift "$SRC"/Text/*.swift "$SRC"/Calendar/*.swift "$SRC"/Addressing/*.swift "$SRC"/Templates/RenderedEmail.swift
                   Tests/MailroomTests/Support/MIMEDecoders.swift Tests/MailroomTests/Support/MIMEWire.swift) ;;
        *) echo "unknown target $target" >&2; exit 64 ;;
    esac
    # Rebuild only when a source is newer than the binary: linking with ASan takes minutes.
    if [ -x "$OUT/$target" ] && [ -z "$(find "${files[@]}" -newer "$OUT/$target" | head -1)" ]; then
        echo "$target is up to date" >&2
        return
    fi
    echo "building $target" >&2
    # ld.gold warns about every ASan helper symbol; keep that out of sight unless the build fails.
    swiftc -sanitize=fuzzer,address -parse-as-library -swift-version 6 -package-name mailroom -O -g \
        -module-name FuzzTarget "${files[@]}" "${linked[@]}" -o "$OUT/$target" 2>"$OUT/$target-build.log" \
        || { grep -v "Cannot export local symbol" "$OUT/$target-build.log" >&2; exit 1; }
}

status=0
: > "$OUT/summary.txt"
for target in "${TARGETS[@]}"; do
    build "$target"
    corpus="$OUT/corpus-$target"
    mkdir -p "$corpus" "Fuzz/seeds/$target" "Fuzz/regressions/$target"
    cp -n Fuzz/seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    if [ "$target" = event-decoding ]; then
        for f in Tests/Hostile/corpus/*.ndjson; do
            [ "$(stat -c %s "$f")" -le 16384 ] && cp -n "$f" "$corpus/" || true
        done
    fi
    regressions=(Fuzz/regressions/"$target"/*)
    if [ -e "${regressions[0]}" ]; then
        echo "replaying ${#regressions[@]} regression inputs for $target" >&2
        "$OUT/$target" "${regressions[@]}" 2>"$OUT/$target-regressions.log" || { echo "REGRESSION in $target, see $OUT/$target-regressions.log" >&2; status=1; }
    fi
    log="$OUT/$target.log"
    echo "fuzzing $target for ${SECONDS_PER_TARGET}s (log: $log)" >&2
    set +e
    "$OUT/$target" "$corpus" -max_total_time="$SECONDS_PER_TARGET" -max_len="${FUZZ_MAX_LEN:-16384}" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 \
        -artifact_prefix="$OUT/artifacts/$target-" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s+=$2} END {print s+0}')
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    line="$target: exit $rc, ${SECONDS_PER_TARGET}s, $runs executions, coverage ${cov:-?}, corpus $(ls "$corpus" | wc -l) inputs"
    echo "$line" | tee -a "$OUT/summary.txt"
    [ "$rc" -ne 0 ] && { echo "  crash or invariant violation: see $log and $OUT/artifacts/" >&2; status=1; }
done
exit "$status"
