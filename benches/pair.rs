//! Benchmarks of peer pairing: the exact solver against the greedy baseline
//! on seeded sparse random graphs (five edges per vertex, scores 0..1000).

mod common;

use std::collections::HashSet;
use std::hint::black_box;

use common::SplitMix64;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::pair::{PairEdge, PairProblem, greedy_pairing, max_weight_pairing};

/// `m` distinct random edges on `n` vertices; the same stream as
/// `compare_pair.py`, so seed 42 at n = 20 000 is its performance instance.
fn random_problem(n: usize, m: usize, seed: u64) -> PairProblem {
    let mut rng = SplitMix64(seed);
    let mut seen = HashSet::new();
    let mut edges = Vec::with_capacity(m);
    while edges.len() < m {
        let (a, b, w) = (rng.next() % n as u64, rng.next() % n as u64, rng.next() % 1000);
        if a != b && seen.insert((a.min(b), a.max(b))) {
            edges.push(PairEdge { a: a as u32, b: b as u32, score: w as i64 });
        }
    }
    PairProblem { n, edges }
}

fn bench_pairing(c: &mut Criterion) {
    let mut group = c.benchmark_group("pair");
    group.sample_size(10);
    for n in [1_000usize, 5_000, 20_000] {
        let problem = random_problem(n, 5 * n, 42);
        group.throughput(Throughput::Elements(problem.edges.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(format!("exact/{n}")), &problem, |b, p| {
            b.iter(|| max_weight_pairing(black_box(p)).expect("valid problem"))
        });
        group.bench_with_input(BenchmarkId::from_parameter(format!("greedy/{n}")), &problem, |b, p| {
            b.iter(|| greedy_pairing(black_box(p)).expect("valid problem"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_pairing);
criterion_main!(benches);
