#!/usr/bin/env python3
"""Cross-check `passiton stable` against the `matching` package.

For seeded random hospitals/residents instances, solves each with
`matching.games.HospitalResident` (resident-optimal, i.e. mentee-optimal)
and with the built `passiton stable` command, and checks that both give the
same matching pair for pair, that the command reports no blocking pair, and
that its `total_score` is the sum of the ranks mentees gave their mentors.

Run from the repository root:

    cargo build --release
    .venv/bin/python compare/stable.py                 # cross-check, default seeds
    .venv/bin/python compare/stable.py --quick         # small instances, one seed (CI)
    .venv/bin/python compare/stable.py --perf DIR      # write the 50,000-mentee files, time the command

The binary is target/release/passiton unless --bin or PASSITON_BIN says
otherwise.

Instances come in three kinds: "listed" (mentors rank exactly the mentees who
listed them, as the package expects, with places for 1.2 times the mentees),
"tight" (the same with places for 0.7 times the mentees) and "ragged" (mentor lists also add and
drop people, capacities may be 0); for those the package is given only the
mutually acceptable pairs (see `solve_with_package`), while the binary reads
the raw lists and must apply the same acceptability rule itself.
"""

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import warnings

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN_DEFAULT = os.environ.get("PASSITON_BIN", os.path.join(ROOT, "target", "release", "passiton"))


def make_instance(rng, n_mentees, n_mentors, k, ragged, places=1.2):
    """Random instance: mentee lists, mentor lists (ids as strings), capacities.

    Capacities average `places` per mentee (below 1, some must go unmatched).
    """
    mentees = [f"e{i}" for i in range(n_mentees)]
    mentors = [f"m{j}" for j in range(n_mentors)]
    mentee_prefs = {}
    listed_by = {m: [] for m in mentors}
    for e in mentees:
        kk = rng.randint(0, k) if ragged else k
        prefs = rng.sample(mentors, min(kk, n_mentors))
        mentee_prefs[e] = prefs
        for m in prefs:
            listed_by[m].append(e)
    mentor_prefs = {}
    for m in mentors:
        prefs = list(listed_by[m])
        if ragged:
            # Drop some who listed this mentor, add some who did not.
            prefs = [e for e in prefs if rng.random() > 0.15]
            extra = rng.sample(mentees, min(len(mentees), rng.randint(0, 5)))
            prefs += [e for e in extra if e not in set(prefs)]
        rng.shuffle(prefs)
        mentor_prefs[m] = prefs
    mean = max(1, int(n_mentees * places) // n_mentors)
    capacities = {}
    for m in mentors:
        low = 0 if ragged else mean // 2
        capacities[m] = rng.randint(low, mean + mean // 2)
    return mentee_prefs, mentor_prefs, capacities


def write_files(directory, instance, rng=None):
    """Write the three CSV files; rows are shuffled when `rng` is given."""
    mentee_prefs, mentor_prefs, capacities = instance
    paths = {name: os.path.join(directory, f"{name}.csv") for name in ("mentee_prefs", "mentor_prefs", "capacities")}
    for name, header, prefs in (
        ("mentee_prefs", ["mentee", "rank", "mentor"], mentee_prefs),
        ("mentor_prefs", ["mentor", "rank", "mentee"], mentor_prefs),
    ):
        rows = [(owner, r + 1, other) for owner, lst in prefs.items() for r, other in enumerate(lst)]
        if rng is not None:
            rng.shuffle(rows)
        with open(paths[name], "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)
    with open(paths["capacities"], "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "capacity"])
        w.writerows(capacities.items())
    return paths


def run_binary(binary, paths):
    args = [
        binary, "stable",
        "--mentee-prefs", paths["mentee_prefs"],
        "--mentor-prefs", paths["mentor_prefs"],
        "--capacities", paths["capacities"],
    ]
    # /usr/bin/time, where it exists, records the command's peak memory.
    with tempfile.NamedTemporaryFile("r") as peak:
        timed = os.path.exists("/usr/bin/time")
        prefix = ["/usr/bin/time", "-f", "%M", "-o", peak.name] if timed else []
        start = time.perf_counter()
        out = subprocess.run(prefix + args, capture_output=True, text=True)
        wall = time.perf_counter() - start
        text = peak.read().strip().splitlines()
    run_binary.peak_mb = int(text[-1]) / 1024 if timed and text and text[-1].isdigit() else None
    if out.returncode != 0:
        sys.exit(f"binary failed: {out.stderr.strip()}")
    lines = out.stdout.splitlines()
    summary = json.loads(lines[-1])
    rows = list(csv.reader(lines[:-1]))
    assert rows[0] == ["mentee", "mentor"], rows[0]
    return {(e, m) for e, m in rows[1:]}, summary, wall, out.stderr


def solve_with_package(instance):
    """Resident-optimal matching from the package, on the mutual part of the lists.

    The package's own `clean=True` drops capacity-0 hospitals only after it
    has dropped residents with empty lists, so a resident whose only hospital
    has no places is left with an empty list and its solver fails on it. So
    the instance is cleaned here instead: only mutually acceptable pairs with
    a mentor of capacity at least 1, and only people left with a non-empty list.
    Dropping unacceptable pairs and useless mentors changes no stable matching.
    """
    from matching.games import HospitalResident

    mentee_prefs, mentor_prefs, capacities = instance
    open_mentors = {m for m, c in capacities.items() if c > 0}
    ranks = {m: set(prefs) for m, prefs in mentor_prefs.items()}
    lists = {m: set(prefs) for m, prefs in mentee_prefs.items()}
    residents = {}
    for e, prefs in mentee_prefs.items():
        mutual = [m for m in prefs if m in open_mentors and e in ranks[m]]
        if mutual:
            residents[e] = mutual
    hospitals = {}
    for m, prefs in mentor_prefs.items():
        mutual = [e for e in prefs if e in residents and m in lists[e]]
        if m in open_mentors and mutual:
            hospitals[m] = mutual
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the cleaned instance must need no cleaning
        game = HospitalResident.create_from_dictionaries(residents, hospitals, {m: capacities[m] for m in hospitals})
        matching = game.solve(optimal="resident")
    assert game.check_validity() and game.check_stability()
    pairs = set()
    for hospital, matched in matching.items():
        for resident in matched:
            pairs.add((resident.name, hospital.name))
    return pairs


def check(args):
    import matching

    print(f"matching package {matching.__version__}")
    sizes = [(200, 10, 8), (500, 20, 10), (1000, 25, 15), (2000, 40, 20)]
    if args.quick:
        sizes = sizes[:2]
        args.seeds = 1
    failures = 0
    cases = 0
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(args.seed, args.seed + args.seeds):
            for n, m, k in sizes:
                for kind in ("listed", "tight", "ragged"):
                    rng = random.Random(f"{seed}-{n}-{kind}")
                    places = 0.7 if kind == "tight" else 1.2
                    instance = make_instance(rng, n, m, k, kind == "ragged", places)
                    paths = write_files(tmp, instance, rng)
                    ours, summary, _, _ = run_binary(args.bin, paths)
                    t = time.perf_counter()
                    theirs = solve_with_package(instance)
                    t = time.perf_counter() - t
                    same = ours == theirs
                    cases += 1
                    rank_sum = sum(instance[0][e].index(m) + 1 for e, m in ours)
                    ok = same and summary["blocking_pairs"] == 0 and summary["matched"] == len(ours)
                    ok = ok and summary["total_score"] == rank_sum == summary["mentee_rank_sum"]
                    failures += not ok
                    print(
                        f"seed {seed} n={n} m={m} k={k} {kind}: matched {len(ours)}, "
                        f"{'identical' if same else 'DIFFERENT'} (package {t:.2f} s)"
                    )
                    if not same:
                        print(f"  only ours: {sorted(ours - theirs)[:5]}  only package: {sorted(theirs - ours)[:5]}")
    print(f"{cases - failures} passed, {failures} failed")
    return 1 if failures else 0


def table_row(*cells):
    """One row of BENCHMARKS.md's table, for compare/run_all.sh."""
    print("TABLE " + "\t".join(str(c) for c in cells))


def perf(args):
    os.makedirs(args.perf, exist_ok=True)
    sizes = [(50_000, 1_000, 30)]
    if args.reference:
        sizes.append((args.reference_mentees, args.reference_mentees // 50, 30))
    for n, m, k in sizes:
        rng = random.Random(args.seed)
        t = time.perf_counter()
        instance = make_instance(rng, n, m, k, ragged=False)
        directory = os.path.join(args.perf, f"n{n}_m{m}_k{k}")
        os.makedirs(directory, exist_ok=True)
        paths = write_files(directory, instance)
        print(f"wrote {directory} in {time.perf_counter() - t:.1f} s")
        name = f"stable {n:,} x {m:,}, k = {k}"
        for _ in range(args.repeat):
            ours, summary, wall, _ = run_binary(args.bin, paths)
            print(f"end-to-end {wall:.3f} s, matched {summary['matched']}, blocking {summary['blocking_pairs']}, "
                  f"mentee rank sum {summary['mentee_rank_sum']}")
        peak = run_binary.peak_mb
        table_row(name, "passiton stable", f"{wall:.2f} s end to end", "n/a" if peak is None else f"{peak:.0f} MB",
                  f"{summary['matched']} matched, rank sum {summary['mentee_rank_sum']}, "
                  f"{summary['blocking_pairs']} blocking")
        if (n, m, k) != sizes[0]:
            t = time.perf_counter()
            theirs = solve_with_package(instance)
            took = time.perf_counter() - t
            rank_sum = sum(instance[0][e].index(mentor) + 1 for e, mentor in theirs)
            same = "identical" if theirs == ours else "DIFFERENT"
            print(f"matching package: {took:.2f} s, matched {len(theirs)}, rank sum {rank_sum}, {same}")
            peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            table_row(name, "matching HospitalResident", f"{took:.2f} s solve", f"{peak_mb:.0f} MB (Python process)",
                      f"{len(theirs)} matched, rank sum {rank_sum} ({same})")
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bin", default=BIN_DEFAULT, help="passiton binary (default: $PASSITON_BIN or target/release/passiton)")
    parser.add_argument("--quick", action="store_true", help="small instances and one seed only (well under a minute)")
    parser.add_argument("--seed", type=int, default=1, help="first seed")
    parser.add_argument("--seeds", type=int, default=2, help="number of seeds")
    parser.add_argument("--perf", metavar="DIR", help="write the 50,000-mentee instance to DIR and time the binary")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs with --perf")
    parser.add_argument("--reference", action="store_true",
                        help="with --perf, also time the matching package at a size it finishes")
    parser.add_argument("--reference-mentees", type=int, default=2_000,
                        help="mentees of the --reference instance (mentors = mentees / 50, k = 30)")
    args = parser.parse_args()
    if not os.path.exists(args.bin):
        sys.exit(f"{args.bin} not found: build first with cargo build --release")
    return perf(args) if args.perf else check(args)


if __name__ == "__main__":
    sys.exit(main())
