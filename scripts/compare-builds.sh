#!/usr/bin/env bash
# Candidate search and shortlists, timed as a ratio of two builds.
#
#   scripts/compare-builds.sh BASE [HEAD] [PERCENT] [PAIRS]
#
# Builds `examples/candidate_search` at git revisions BASE and HEAD (default:
# the working tree), then times `search_and_shortlist` on a generated
# population at PERCENT of national scale (default 10; made as
# scripts/bench-pipeline.sh makes it, and shared with it) PAIRS times
# (default 10). Each pair runs both builds at once, one thread each, so that
# both see the same machine; the builds swap sides from pair to pair. Prints
# each pair and the geometric mean of HEAD's time over BASE's: on a noisy
# machine, a ratio measured in one run says more than two separate timings.
# The environment variable JOBSEEKER_PERCENT (default PERCENT) sets the
# jobseekers apart from the helpers: with PERCENT 100 and JOBSEEKER_PERCENT
# 10, each search meets national helper density and costs what it does
# nationally, in a tenth of the time. Work goes to $BENCH_DIR (default
# target/pipeline-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,18p' "$0" >&2; exit 2; }
base=$1 head=${2:-} pct=${3:-10} pairs=${4:-10}
jpct=${JOBSEEKER_PERCENT:-$pct}
case $pct$pairs$jpct in *[!0-9]*) echo "PERCENT, PAIRS and JOBSEEKER_PERCENT must be whole numbers" >&2; exit 2 ;; esac
dir=${BENCH_DIR:-target/pipeline-bench}
mkdir -p "$dir"

# The example binary of one revision (empty: the working tree), built once.
build() {
    local rev=$1 out
    if [ -z "$rev" ]; then
        cargo build --release --quiet --example candidate_search
        out="$dir/candidate_search-worktree"
        cp target/release/examples/candidate_search "$out"
    else
        local sha tree
        sha=$(git rev-parse --short=12 "$rev^{commit}")
        out="$dir/candidate_search-$sha"
        if [ ! -x "$out" ]; then
            tree=$(mktemp -d)
            git worktree add --quiet --detach "$tree" "$sha"
            CARGO_TARGET_DIR="$dir/target-compare" cargo build --release --quiet \
                --manifest-path "$tree/Cargo.toml" --example candidate_search
            cp "$dir/target-compare/release/examples/candidate_search" "$out"
            git worktree remove --force "$tree"
        fi
    fi
    echo "$out"
}
a=$(build "$base")
b=$(build "$head")

pop="$dir/national-$pct"
[ "$jpct" = "$pct" ] || pop="$pop-jobseekers-$jpct"
if [ ! -f "$pop.snapshot" ]; then
    cargo build --release --quiet
    target/release/passiton generate --jobseekers $((7450 * jpct)) --mentors $((1000 * pct)) \
        --coaches $((110 * pct)) --employers $((200 * pct)) --seed 1 --out "$pop" --force >/dev/null
    target/release/passiton snapshot --data "$pop" --out "$pop.snapshot" >/dev/null
fi

# Seconds of search and shortlists together, from the example's first line of figures.
seconds() { RAYON_NUM_THREADS=1 "$1" "$pop.snapshot" | sed -n 's/^search and shortlists together: \([0-9.]*\) s.*/\1/p'; }
echo "pair  base s  head s  head/base"
for i in $(seq "$pairs"); do
    first=$(mktemp) second=$(mktemp)
    if [ $((i % 2)) = 1 ]; then
        seconds "$a" >"$first" & seconds "$b" >"$second" & wait
        echo "$i $(cat "$first") $(cat "$second")"
    else
        seconds "$b" >"$first" & seconds "$a" >"$second" & wait
        echo "$i $(cat "$second") $(cat "$first")"
    fi
    rm -f "$first" "$second"
done | awk '{ printf "%4d  %6.2f  %6.2f  %9.3f\n", $1, $2, $3, $3 / $2; logs += log($3 / $2); n++ }
    END { printf "geometric mean of head/base over %d pairs: %.3f\n", n, exp(logs / n) }'
