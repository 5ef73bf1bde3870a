#!/usr/bin/env bash
# Runs every solver comparison of BENCHMARKS.md with one command and prints
# its table: passiton against OR-Tools (assign), the `matching` package
# (stable) and rustworkx (pair), with time, peak memory and objective.
#
# Usage, from anywhere in the repository:
#
#     compare/run_all.sh
#
# Builds the release binary, creates .venv from compare/requirements.txt if
# it is missing, runs the three scripts and writes their logs and the table
# under target/compare/. Figures are from one run: on a shared machine,
# compare solvers within the same run only.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/target/compare"
mkdir -p "$out"

cargo build --release --quiet
# VENV names an existing environment to use instead of .venv.
venv="${VENV:-$root/.venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet -r compare/requirements.txt
fi
py="$venv/bin/python"

# Each script prints its own log and the table's rows as "TABLE" lines:
# passiton's peak memory comes from /usr/bin/time, a reference solver's is
# the peak of the Python process that built and solved the instance.
echo "== assign (300,000 mentees x 40 edges) =="
$py compare/assign.py --perf --repeats 1 | tee "$out/assign.log"
echo "== stable (50,000 mentees, 1,000 mentors, k = 30) =="
$py compare/stable.py --perf "$out/stable-perf" --repeat 1 --reference | tee "$out/stable.log"
echo "== pair (20,000 vertices, 100,000 edges) =="
$py compare/pair.py --perf-only | tee "$out/pair.log"

$py - "$out" <<'PY'
import re, sys
out = sys.argv[1]
rows = []
for name in ("assign", "stable", "pair"):
    for line in open(f"{out}/{name}.log"):
        if line.startswith("TABLE "):
            rows.append(line[6:].rstrip("\n").split("\t"))
head = ["instance", "solver", "time", "peak memory", "objective"]
table = [head, ["---"] * len(head)] + rows
text = "\n".join("| " + " | ".join(r) + " |" for r in table)
open(f"{out}/table.md", "w").write(text + "\n")
print()
print(text)
PY
