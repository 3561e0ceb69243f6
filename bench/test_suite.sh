#!/usr/bin/env bash
# The test suite's wall time (BENCHMARKS.md, "The test suite"): `make test` on a fresh clone
# of a commit, RUNS times back to back, each on a clone of its own (so each installs its
# virtualenv and node packages, as CI does), then `make soak` in the same clone, as `.ci/run`
# does. Prints each run's `make test` total and pytest's own time, and their ratio to the 10-
# and 8-minute targets, then `.ci/run`'s whole time (test and soak) and its ratio to 30
# minutes, then pytest's slowest tests of the last run. Run it on an otherwise idle machine:
#
#     bench/test_suite.sh [COMMIT]        # RUNS=3 by default; SOAK=0 leaves the soak out
set -euo pipefail
commit=${1:-HEAD}
runs=${RUNS:-3}
root=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d /tmp/autosalon-suite.XXXXXX)
trap 'rm -rf "$work"' EXIT

# `make TARGET` in the clone, its output in LOG; on failure, the log's end, and the work kept.
make_in() {
    local clone=$1 target=$2 log=$3
    if ! make -C "$clone" "$target" > "$log" 2>&1; then
        tail -50 "$log"
        echo "make $target failed: $log" >&2
        trap - EXIT
        exit 1
    fi
}

printf '%-4s %10s %10s %12s %12s %10s %12s\n' run "total s" "pytest s" "total/10min" \
    "pytest/8min" "ci s" "ci/30min"
for run in $(seq 1 "$runs"); do
    clone="$work/run-$run"
    git clone -q "$root" "$clone"
    git -C "$clone" checkout -q "$commit"
    started=$(date +%s)
    make_in "$clone" test "$work/run-$run.log"
    total=$(( $(date +%s) - started ))
    # pytest's summary line: "==== 3312 passed in 512.34s (0:08:32) ===="
    pytest=$(grep -Eo 'passed[^=]* in [0-9.]+s' "$work/run-$run.log" | tail -1 | grep -Eo '[0-9.]+s$' | tr -d s)
    ci=$total
    if [ "${SOAK:-1}" = 1 ]; then
        make_in "$clone" soak "$work/run-$run-soak.log"
        ci=$(( $(date +%s) - started ))
    fi
    awk -v r="$run" -v t="$total" -v p="$pytest" -v c="$ci" \
        'BEGIN { printf "%-4s %10d %10.0f %12.2f %12.2f %10d %12.2f\n", r, t, p, t / 600, p / 480, c, c / 1800 }'
    rm -rf "$clone"
done
echo
sed -n '/slowest 25 durations/,/durations < /p' "$work/run-$runs.log"
