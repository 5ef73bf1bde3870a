//! Benchmarks of the exact assignment against the greedy baseline.
//!
//! Instances are seeded (splitmix64): `n` mentees, `n / 60` mentors with
//! capacities summing to about `1.2 n`, 20 distinct random mentors per mentee,
//! scores uniform in `0..1000`. Throughput is counted in edges.

mod common;

use std::hint::black_box;

use common::SplitMix64;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::assign::{AssignOptions, AssignProblem, Edge, assign, greedy};

fn instance(n: usize, seed: u64) -> AssignProblem {
    let mut rng = SplitMix64(seed);
    let m = (n / 60).max(2);
    let degree = 20.min(m);
    let mean = 1.2 * n as f64 / m as f64;
    let capacities = (0..m).map(|_| 1 + (rng.next() % (2.0 * mean) as u64) as u32).collect();
    let mut edges = Vec::with_capacity(n * degree);
    let mut chosen = Vec::with_capacity(degree);
    for i in 0..n {
        chosen.clear();
        while chosen.len() < degree {
            let j = (rng.next() % m as u64) as u32;
            if !chosen.contains(&j) {
                chosen.push(j);
            }
        }
        for &j in &chosen {
            edges.push(Edge { mentee: i as u32, mentor: j, score: (rng.next() % 1000) as i64 });
        }
    }
    AssignProblem { n_mentees: n, capacities, edges }
}

fn bench_assign(c: &mut Criterion) {
    for (name, options) in
        [("assign", AssignOptions::default()), ("assign_max_matched", AssignOptions { max_matched: true })]
    {
        let mut group = c.benchmark_group(name);
        group.sample_size(10);
        for n in [3_000usize, 30_000, 100_000] {
            let problem = instance(n, 42 + n as u64);
            group.throughput(Throughput::Elements(problem.edges.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(n), &problem, |b, p| {
                b.iter(|| assign(black_box(p), &options).map(|a| a.total_score))
            });
            group.bench_with_input(BenchmarkId::new("greedy", n), &problem, |b, p| {
                b.iter(|| greedy(black_box(p)).map(|g| g.total_score))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, bench_assign);
criterion_main!(benches);
