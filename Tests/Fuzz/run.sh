#!/usr/bin/env bash
# Runs the fuzz targets built under BUILD (see Makefile `fuzz`), each for SECONDS or RUNS inputs,
# whichever ends first, from its seed corpus (read only) and the corpus it grew before (under
# BUILD/corpus). Prints one line of figures per target; exits non-zero at the first crash, hang
# (an input slower than TIMEOUT seconds) or sanitizer report, whose input is kept in
# BUILD/artifacts.
#   usage: run.sh BUILD SECONDS RUNS TARGET...
set -uo pipefail

build=$1 seconds=$2 runs=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
timeout_seconds=${FUZZ_TIMEOUT:-10}
mkdir -p "$build/artifacts" "$build/logs"
# libFuzzer reports a Swift trap itself; the Swift runtime's own backtracer only slows that down.
export SWIFT_BACKTRACE=enable=no

for target in "$@"; do
    corpus="$build/corpus/$target"
    log="$build/logs/$target.log"
    mkdir -p "$corpus"
    "$build/release/fuzz-$target" -max_total_time="$seconds" -runs="$runs" -timeout="$timeout_seconds" \
        -print_final_stats=1 -artifact_prefix="$build/artifacts/$target-" \
        "$corpus" "$here/Corpus/$target" >"$log" 2>&1
    status=$?
    stat() { sed -n "s/^stat::$1: *//p" "$log"; }
    coverage=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -1)
    printf 'fuzz %-15s %10s inputs %8s exec/s  %-20s corpus %s files\n' "$target" \
        "$(stat number_of_executed_units)" "$(stat average_exec_per_sec)" "$coverage" "$(ls "$corpus" | wc -l)"
    if [ $status -ne 0 ]; then
        echo "fuzz $target: failed (exit $status); the report, from $log:" >&2
        grep -E -A30 '^==[0-9]+==|^(SUMMARY|Fatal error|.*Fatal error)|ALARM|deadly signal|Test unit written' "$log" | head -60 >&2
        exit 1
    fi
done
