#!/usr/bin/env bash
# The test suite's wall time (BENCHMARKS.md, "The test suite"): `make test` on a fresh clone
# of a commit, RUNS times back to back, each on a clone of its own (so each installs its
# virtualenv and node packages, as CI does). Prints each run's total and pytest's own time,
# and their ratio to the 12- and 10-minute targets, then pytest's slowest tests of the last
# run. Run it on an otherwise idle machine:
#
#     bench/test_suite.sh [COMMIT]        # RUNS=3 by default
set -euo pipefail
commit=${1:-HEAD}
runs=${RUNS:-3}
root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d /tmp/autosalon-suite.XXXXXX)
trap 'rm -rf "$work"' EXIT

printf '%-4s %10s %10s %12s %12s\n' run "total s" "pytest s" "total/12min" "pytest/10min"
for run in $(seq 1 "$runs"); do
    clone="$work/run-$run"
    git clone -q "$root" "$clone"
    git -C "$clone" checkout -q "$commit"
    started=$(date +%s)
    if ! make -C "$clone" test > "$work/run-$run.log" 2>&1; then
        tail -50 "$work/run-$run.log"
        echo "run $run failed: $work/run-$run.log" >&2
        trap - EXIT
        exit 1
    fi
    total=$(( $(date +%s) - started ))
    # pytest's summary line: "==== 3312 passed in 512.34s (0:08:32) ===="
    pytest=$(grep -Eo 'passed[^=]* in [0-9.]+s' "$work/run-$run.log" | tail -1 | grep -Eo '[0-9.]+s$' | tr -d s)
    awk -v r="$run" -v t="$total" -v p="$pytest" \
        'BEGIN { printf "%-4s %10d %10.0f %12.2f %12.2f\n", r, t, p, t / 720, p / 600 }'
    rm -rf "$clone"
done
echo
sed -n '/slowest 25 durations/,/durations < /p' "$work/run-$runs.log"
