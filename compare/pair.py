#!/usr/bin/env python3
"""Cross-check passiton's peer pairing against networkx and rustworkx.

Generates seeded random graphs (splitmix64, the same generator as
benches/pair.rs), solves them with the built `passiton pair` command, and
checks that the total score equals networkx's max_weight_matching (small and
medium sizes) and rustworkx's (all sizes) exactly, and that the output rows
are a pairing (a < b, sorted, scores from the input, summing to the total).
For the performance instance (20 000 vertices, 100 000 edges, scores
0..1000) it prints the command's end-to-end time (reading, solving,
checking the certificate, writing) beside rustworkx's solve time.

Run from the repository root:

    cargo build --release
    .venv/bin/python compare/pair.py            # all sizes
    .venv/bin/python compare/pair.py --quick    # skip the performance instance (CI)

The binary is target/release/passiton unless --bin or PASSITON_BIN says
otherwise.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time

import networkx as nx
import rustworkx as rx

MASK = (1 << 64) - 1
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DEFAULT = os.environ.get("PASSITON_BIN", os.path.join(ROOT, "target", "release", "passiton"))


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def random_graph(n, m, max_score, seed):
    """m distinct edges (a, b, score), score in 0..max_score (exclusive)."""
    rng = splitmix64(seed)
    seen, edges = set(), []
    while len(edges) < m:
        a, b, w = next(rng) % n, next(rng) % n, next(rng) % max_score
        key = (min(a, b), max(a, b))
        if a == b or key in seen:
            continue
        seen.add(key)
        edges.append((a, b, w))
    return edges


def solve_passiton(binary, edges, workdir):
    path = os.path.join(workdir, "edges.csv")
    with open(path, "w") as f:
        f.write("a,b,score\n")
        for a, b, w in edges:
            f.write(f"v{a},v{b},{w}\n")
    # /usr/bin/time, where it exists, records the command's peak memory.
    with tempfile.NamedTemporaryFile("r") as peak:
        timed = os.path.exists("/usr/bin/time")
        prefix = ["/usr/bin/time", "-f", "%M", "-o", peak.name] if timed else []
        start = time.perf_counter()
        out = subprocess.run(prefix + [binary, "pair", "--edges", path], capture_output=True, text=True)
        wall = time.perf_counter() - start
        text = peak.read().strip().splitlines()
    solve_passiton.peak_mb = int(text[-1]) / 1024 if timed and text and text[-1].isdigit() else None
    if out.returncode != 0:
        sys.exit(f"passiton pair failed: {out.stderr.strip()}")
    lines = out.stdout.strip().splitlines()
    summary = json.loads(lines[-1])
    check_rows(lines[:-1], edges, summary)
    return summary["total_score"], summary["matched"], wall


def check_rows(lines, edges, summary):
    """The rows must be a pairing of input edges, a < b, sorted, summing to the total."""
    assert lines[0] == "a,b,score", lines[0]
    weight = {(f"v{min(a, b)}", f"v{max(a, b)}"): w for a, b, w in edges}
    weight.update({(f"v{max(a, b)}", f"v{min(a, b)}"): w for a, b, w in edges})
    rows = [line.split(",") for line in lines[1:]]
    assert rows == sorted(rows), "rows not sorted"
    seen, total = set(), 0
    for a, b, w in rows:
        assert a < b, f"{a},{b} not in order"
        assert weight[(a, b)] == int(w), f"wrong score on {a},{b}"
        assert a not in seen and b not in seen, f"{a} or {b} paired twice"
        seen.update((a, b))
        total += int(w)
    assert len(rows) == summary["matched"] and total == summary["total_score"], "summary disagrees with rows"


def solve_networkx(n, edges):
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_weighted_edges_from(edges)
    start = time.perf_counter()
    mt = nx.max_weight_matching(g, maxcardinality=False)
    took = time.perf_counter() - start
    return sum(g[a][b]["weight"] for a, b in mt), took


def solve_rustworkx(n, edges):
    g = rx.PyGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from(edges)
    start = time.perf_counter()
    mt = rx.max_weight_matching(g, max_cardinality=False, weight_fn=lambda w: w, verify_optimum=False)
    took = time.perf_counter() - start
    weight = {(min(a, b), max(a, b)): w for a, b, w in edges}
    return sum(weight[(min(a, b), max(a, b))] for a, b in mt), took


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="skip the performance instance (well under a minute)")
    parser.add_argument("--perf-only", action="store_true", help="only the performance instance")
    parser.add_argument("--bin", default=BIN_DEFAULT, help="passiton binary (default: $PASSITON_BIN or target/release/passiton)")
    args = parser.parse_args()
    quick, binary = args.quick, args.bin
    if not os.path.exists(binary):
        sys.exit(f"{binary} not found: build first with cargo build --release")
    # (n, m, max_score, seed, check against networkx)
    cases = [
        (10, 20, 10, 1, True),
        (40, 120, 5, 2, True),
        (100, 300, 1000, 3, True),
        (300, 1500, 50, 4, True),
        (1000, 5000, 1000, 5, True),
        (3000, 15000, 1000, 6, False),
        (10000, 50000, 3, 7, False),
        (10000, 50000, 1000, 8, False),
    ]
    if args.perf_only:
        cases = []
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for n, m, max_score, seed, with_nx in cases:
            edges = random_graph(n, m, max_score, seed)
            ours, pairs, wall = solve_passiton(binary, edges, tmp)
            theirs, rx_time = solve_rustworkx(n, edges)
            ok = ours == theirs
            line = f"n={n:6} m={m:6} scores<{max_score:5}: passiton {ours} ({pairs} pairs, {wall:.3f}s end to end)  rustworkx {theirs} ({rx_time:.3f}s)"
            if with_nx:
                nx_total, nx_time = solve_networkx(n, edges)
                ok = ok and ours == nx_total
                line += f"  networkx {nx_total} ({nx_time:.3f}s)"
            print(("ok   " if ok else "FAIL ") + line, flush=True)
            failures += not ok
        if not quick:
            n, m = 20000, 100000
            edges = random_graph(n, m, 1000, 42)
            ours, pairs, wall = solve_passiton(binary, edges, tmp)
            theirs, rx_time = solve_rustworkx(n, edges)
            ok = ours == theirs
            failures += not ok
            print(f"{'ok  ' if ok else 'FAIL'} performance n={n} m={m} scores 0..1000 seed 42")
            print(f"     passiton  total {ours} ({pairs} pairs): {wall:.3f}s end to end (read, solve, verify, write)")
            print(f"     rustworkx total {theirs}: max_weight_matching {rx_time:.3f}s (solve only)")
            print(f"     ratio rustworkx solve / passiton end to end: {rx_time / wall:.1f}x")
            peak = solve_passiton.peak_mb
            name = f"pair {n:,} vertices, {m:,} edges"
            print("TABLE " + "\t".join([name, "passiton pair", f"{wall:.2f} s end to end",
                                         "n/a" if peak is None else f"{peak:.0f} MB",
                                         f"{pairs} pairs, total {ours}"]))
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print("TABLE " + "\t".join([name, "rustworkx max_weight_matching", f"{rx_time:.2f} s solve",
                                         f"{peak_mb:.0f} MB (Python process)", f"total {theirs}"]))
    if failures:
        print(f"{failures} mismatches")
        sys.exit(1)
    print("all totals match")


if __name__ == "__main__":
    main()
