#!/usr/bin/env bash
# The whole batch job at several fractions of national scale.
#
#   scripts/bench-pipeline.sh [PERCENT ...]      (default: 10 30 100)
#
# For each percentage, generates a population with the national proportions
# (100% is 745,000 jobseekers, 100,000 mentors, 11,000 coaches and 20,000
# employers; seed 1), snapshots it, runs `passiton run` on the snapshot and
# keeps its run.json. Then prints one table: each stage's wall time, when it
# started (seconds into the run; peers runs beside candidates, shortlists
# beside the match modes) and the peak memory so far, per scale. Work goes to
# $BENCH_DIR (default target/pipeline-bench); populations are reused when
# already there. RUN_FLAGS adds flags to `passiton run` (e.g. --sequential).
set -euo pipefail
cd "$(dirname "$0")/.."
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(10 30 100)
dir=${BENCH_DIR:-target/pipeline-bench}
mkdir -p "$dir"
cargo build --release --quiet
bin=target/release/passiton
for pct in "${scales[@]}"; do
    case $pct in *[!0-9]*|'') echo "scale must be a whole percentage: $pct" >&2; exit 2 ;; esac
    pop="$dir/national-$pct"
    if [ ! -f "$pop.snapshot" ]; then
        "$bin" generate --jobseekers $((7450 * pct)) --mentors $((1000 * pct)) --coaches $((110 * pct)) \
            --employers $((200 * pct)) --seed 1 --out "$pop" --force >/dev/null
        "$bin" snapshot --data "$pop" --out "$pop.snapshot" >/dev/null
    fi
    echo "running ${pct}%" >&2
    # shellcheck disable=SC2086
    "$bin" run --data "$pop.snapshot" --out "$dir/run-$pct" --force ${RUN_FLAGS:-} >/dev/null
done
python3 - "$dir" "${scales[@]}" <<'PY'
import json, sys
folder, scales = sys.argv[1], sys.argv[2:]
runs = {s: json.load(open(f"{folder}/run-{s}/run.json")) for s in scales}
names = [st["stage"] for st in runs[scales[0]]["stages"]]
print("| stage | " + " | ".join(f"{s}%: s (at s), peak MB" for s in scales) + " |")
print("|---|" + "---|" * len(scales))
for name in names:
    cells = []
    for s in scales:
        st = next(x for x in runs[s]["stages"] if x["stage"] == name)
        cells.append(f"{st['seconds']:.1f} (at {st['started_seconds']:.1f}), {st['peak_rss_bytes'] / 1e6:,.0f}")
    print(f"| {name} | " + " | ".join(cells) + " |")
print("| **total** | " + " | ".join(f"**{runs[s]['total_seconds']:.1f}**" for s in scales) + " |")
PY
