#!/usr/bin/env python3
"""Cross-checks `passiton assign` against OR-Tools SimpleMinCostFlow.

Generates seeded random instances (edges.csv: mentee,mentor,score and
capacities.csv: id,capacity), solves each with OR-Tools and with the built
`passiton assign` command, and checks that the objectives are exactly equal
(total score; with --max-matched also the number matched). The command's
output rows are checked for feasibility, sorting and totals too.

Run from the repository root:

    cargo build --release
    .venv/bin/python compare/assign.py            # full correctness sweep, both objectives
    .venv/bin/python compare/assign.py --quick    # small and medium instances only (CI)
    .venv/bin/python compare/assign.py --perf     # 300k mentees x 40 edges: side-by-side times

The binary is target/release/passiton unless --bin or PASSITON_BIN says
otherwise.

OR-Tools model: source -> mentee (capacity 1, cost 0), mentee -> mentor
(capacity 1, cost -score), mentor -> sink (capacity = mentor capacity, cost 0)
and a source -> sink bypass (capacity n, cost 0) so that unmatched is allowed.
For --max-matched every mentee -> mentor cost becomes -(score + bonus) with
bonus = U - L + 1 (U, L: sums over mentees of their largest positive and
smallest negative score), which makes one more match worth more than any
difference in total score.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np
from ortools.graph.python import min_cost_flow

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DEFAULT = os.environ.get("PASSITON_BIN", os.path.join(ROOT, "target", "release", "passiton"))
BINARY = BIN_DEFAULT


def generate(n, m, degree, seed, score_lo=0, score_hi=1000, cap_ratio=1.2, zero_caps=False):
    """Seeded instance: each mentee gets `degree` distinct random mentors."""
    rng = np.random.default_rng(seed)
    degree = min(degree, m)
    mentors = np.sort(rng.integers(0, m, size=(n, degree)), axis=1)
    while degree > 1:
        dup = mentors[:, 1:] == mentors[:, :-1]
        if not dup.any():
            break
        tail = mentors[:, 1:]
        tail[dup] = rng.integers(0, m, size=int(dup.sum()))
        mentors.sort(axis=1)
    mentees = np.repeat(np.arange(n), degree)
    mentors = mentors.reshape(-1)
    scores = rng.integers(score_lo, score_hi, size=n * degree)
    mean = cap_ratio * n / m
    low = 0 if zero_caps else 1
    capacities = rng.integers(low, max(low + 1, int(round(2 * mean)) - low + 1), size=m)
    return mentees, mentors, scores, capacities


def write_instance(directory, mentees, mentors, scores, capacities):
    os.makedirs(directory, exist_ok=True)
    edges = os.path.join(directory, "edges.csv")
    caps = os.path.join(directory, "capacities.csv")
    if not (os.path.exists(edges) and os.path.exists(caps)):
        # Shuffle rows so the reader cannot rely on grouping by mentee.
        order = np.random.default_rng(12345).permutation(len(mentees))
        with open(edges + ".tmp", "w") as f:
            f.write("mentee,mentor,score\n")
            step = 1 << 20
            for a in range(0, len(order), step):
                idx = order[a:a + step]
                rows = zip(mentees[idx].tolist(), mentors[idx].tolist(), scores[idx].tolist())
                f.write("".join(f"p{i},c{j},{s}\n" for i, j, s in rows))
        with open(caps + ".tmp", "w") as f:
            f.write("id,capacity\n")
            f.write("".join(f"c{j},{c}\n" for j, c in enumerate(capacities.tolist())))
        os.replace(edges + ".tmp", edges)
        os.replace(caps + ".tmp", caps)
    return edges, caps


def bonus_of(n, mentees, scores):
    hi = np.zeros(n, dtype=np.int64)
    lo = np.zeros(n, dtype=np.int64)
    np.maximum.at(hi, mentees, scores)
    np.minimum.at(lo, mentees, scores)
    return int(hi.sum() - lo.sum() + 1)


def solve_ortools(n, mentees, mentors, scores, capacities, max_matched):
    """Returns (matched, total_score, build seconds, solve seconds)."""
    t0 = time.perf_counter()
    m = len(capacities)
    source, sink = 0, n + m + 1
    bonus = bonus_of(n, mentees, scores) if max_matched else 0
    tails = np.concatenate([
        np.zeros(n, dtype=np.int64), 1 + mentees, 1 + n + np.arange(m), [source]])
    heads = np.concatenate([
        1 + np.arange(n), 1 + n + mentors, np.full(m, sink), [sink]])
    caps = np.concatenate([
        np.ones(n, dtype=np.int64), np.ones(len(mentees), dtype=np.int64), capacities, [n]])
    costs = np.concatenate([
        np.zeros(n, dtype=np.int64), -(scores.astype(np.int64) + bonus), np.zeros(m, dtype=np.int64), [0]])
    flow = min_cost_flow.SimpleMinCostFlow()
    flow.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, costs)
    supplies = np.zeros(n + m + 2, dtype=np.int64)
    supplies[source], supplies[sink] = n, -n
    flow.set_nodes_supplies(np.arange(n + m + 2), supplies)
    t1 = time.perf_counter()
    status = flow.solve()
    t2 = time.perf_counter()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"OR-Tools status {status}")
    edge_arcs = np.arange(n, n + len(mentees))
    matched = int(flow.flows(edge_arcs).sum())
    total = -flow.optimal_cost() - matched * bonus
    return matched, total, t1 - t0, t2 - t1


def measured(args):
    """Runs `args`; returns the finished process, wall seconds and peak RSS in MB
    (from /usr/bin/time where it exists, else None)."""
    with tempfile.NamedTemporaryFile("r") as peak:
        timed = os.path.exists("/usr/bin/time")
        prefix = ["/usr/bin/time", "-f", "%M", "-o", peak.name] if timed else []
        t0 = time.perf_counter()
        done = subprocess.run(prefix + args, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        text = peak.read().strip().splitlines()
    mb = int(text[-1]) / 1024 if timed and text and text[-1].isdigit() else None
    return done, wall, mb


def python_peak_mb():
    """Peak RSS of this Python process so far (interpreter, instance and reference solver)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def table_row(*cells):
    """One row of BENCHMARKS.md's table, for compare/run_all.sh."""
    print("TABLE " + "\t".join(str(c) for c in cells))


def run_binary(edges, caps, max_matched):
    # The command always checks its optimality certificate before writing.
    args = [BINARY, "assign", "--edges", edges, "--capacities", caps]
    if max_matched:
        args.append("--max-matched")
    done, wall, peak = measured(args)
    if done.returncode != 0:
        raise RuntimeError(f"passiton assign failed: {done.stderr}")
    lines = done.stdout.splitlines()
    summary = json.loads(lines[-1])
    run_binary.peak_mb = peak
    return summary, lines[1:-1], wall, done.stderr.strip()


def check_rows(rows, mentees, mentors, scores, capacities, summary):
    score = {(f"p{i}", f"c{j}"): s for i, j, s in zip(mentees.tolist(), mentors.tolist(), scores.tolist())}
    cap = {f"c{j}": c for j, c in enumerate(capacities.tolist())}
    seen, load, total, previous = set(), {}, 0, None
    for row in rows:
        a, b, s = row.split(",")
        assert previous is None or a > previous, "rows not sorted by mentee"
        previous = a
        assert a not in seen, f"mentee {a} matched twice"
        seen.add(a)
        assert score[(a, b)] == int(s), f"wrong score on {row}"
        load[b] = load.get(b, 0) + 1
        assert load[b] <= cap[b], f"mentor {b} over capacity"
        total += int(s)
    assert len(seen) == summary["matched"] and total == summary["total_score"], "summary disagrees with rows"


def sweep(data_dir, quick):
    cases = []
    for seed in range(30):
        cases.append(dict(n=40, m=6, degree=4, seed=seed, score_lo=-20, score_hi=40, zero_caps=True, cap_ratio=0.7))
    for seed in range(10):
        cases.append(dict(n=2000, m=60, degree=8, seed=100 + seed, score_lo=-100, score_hi=1000, cap_ratio=0.9))
    if quick:
        cases = cases[:35]
    else:
        cases.append(dict(n=20000, m=500, degree=15, seed=7, score_lo=0, score_hi=5, cap_ratio=1.0, zero_caps=True))
        cases.append(dict(n=50000, m=1000, degree=20, seed=8, score_lo=0, score_hi=1000, cap_ratio=1.2))
    failures = 0
    for case in cases:
        inst = generate(**case)
        case.setdefault("zero_caps", False)
        name = "n{n}_m{m}_d{degree}_s{seed}_{score_lo}_{score_hi}_{cap_ratio}_{zero_caps}".format(**case)
        edges, caps = write_instance(os.path.join(data_dir, name), *inst)
        for max_matched in (False, True):
            mentees, mentors, scores, capacities = inst
            want = solve_ortools(case["n"], mentees, mentors, scores, capacities, max_matched)[:2]
            summary, rows, _, _ = run_binary(edges, caps, max_matched)
            got = (summary["matched"], summary["total_score"])
            check_rows(rows, mentees, mentors, scores, capacities, summary)
            ok = got[1] == want[1] and (got[0] == want[0] or not max_matched)
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} {name} max_matched={max_matched} "
                  f"edges={len(mentees)} ortools={want} assign={got}")
    print(f"{len(cases) * 2 - failures} of {len(cases) * 2} agree")
    return failures == 0


def perf(data_dir, repeats):
    n, m, degree = 300_000, 5_000, 40
    t0 = time.perf_counter()
    inst = generate(n, m, degree, seed=2024, score_lo=0, score_hi=1000, cap_ratio=1.2)
    edges, caps = write_instance(os.path.join(data_dir, "perf_300k_5k_40"), *inst)
    print(f"instance ready in {time.perf_counter() - t0:.1f} s: {n} mentees, {m} mentors, "
          f"{len(inst[0])} edges, capacity {int(inst[3].sum())}")
    for max_matched in (False, True):
        matched, total, build, solve = solve_ortools(n, *inst, max_matched)
        print(f"OR-Tools   max_matched={max_matched}: build {build:.2f} s, solve {solve:.2f} s, "
              f"matched={matched} total={total}")
        objective = "max matched, then score" if max_matched else "max score"
        instance = f"assign {n // 1000}k x {degree} ({objective})"
        table_row(instance, "OR-Tools SimpleMinCostFlow", f"{solve:.2f} s solve (+ {build:.2f} s build)",
                  f"{python_peak_mb():.0f} MB (Python process)", f"{matched} matched, total {total}")
        for _ in range(repeats):
            summary, _, wall, _ = run_binary(edges, caps, max_matched)
            same = summary["matched"] == matched if max_matched else True
            same = same and summary["total_score"] == total
            print(f"passiton   max_matched={max_matched}: end-to-end {wall:.2f} s "
                  f"(read, solve, verify, write) matched={summary['matched']} total={summary['total_score']} "
                  f"{'equal' if same else 'DIFFERENT'}; ratio to OR-Tools solve {wall / solve:.2f}")
            peak = run_binary.peak_mb
            table_row(instance, "passiton assign", f"{wall:.2f} s end to end ({wall / solve:.2f}x OR-Tools solve)",
                      "n/a" if peak is None else f"{peak:.0f} MB",
                      f"{summary['matched']} matched, total {summary['total_score']}"
                      + ("" if same else " (DIFFERENT)"))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--perf", action="store_true", help="time the 300k x 40 instance against OR-Tools")
    parser.add_argument("--quick", action="store_true", help="small and medium instances only (well under a minute)")
    parser.add_argument("--repeats", type=int, default=2, help="passiton runs per objective with --perf")
    parser.add_argument("--bin", default=BIN_DEFAULT, help="passiton binary (default: $PASSITON_BIN or target/release/passiton)")
    parser.add_argument("--data", default=os.path.join(ROOT, "target", "compare", "assign"),
                        help="where generated instances are cached")
    args = parser.parse_args()
    global BINARY
    BINARY = args.bin
    if not os.path.exists(BINARY):
        sys.exit(f"{BINARY} not found: build first with cargo build --release")
    if args.perf:
        perf(args.data, args.repeats)
    elif not sweep(args.data, args.quick):
        sys.exit(1)


if __name__ == "__main__":
    main()
