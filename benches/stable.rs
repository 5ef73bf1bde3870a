//! Benchmarks of the stable matching solver and its blocking-pair check.
//!
//! Instances follow the sizing target: `n` mentees, `n / 50` mentors, each
//! mentee lists 30 distinct random mentors, each mentor ranks (in random
//! order) every mentee that listed it, and capacities sum to about `1.2 n`.

mod common;

use std::hint::black_box;
use std::time::Duration;

use common::SplitMix64;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::stable::{StableProblem, blocking_pairs, prefs_from_scores, stable_matching};

fn instance(n_mentees: usize, k: usize, seed: u64) -> StableProblem {
    let mut rng = SplitMix64(seed);
    let n_mentors = (n_mentees / 50).max(1);
    let k = k.min(n_mentors);
    let mut mentee_prefs = Vec::with_capacity(n_mentees);
    let mut mentor_prefs = vec![Vec::new(); n_mentors];
    let mut stamp = vec![usize::MAX; n_mentors];
    for i in 0..n_mentees {
        let mut list = Vec::with_capacity(k);
        while list.len() < k {
            let j = rng.below(n_mentors as u64) as usize;
            if stamp[j] != i {
                stamp[j] = i;
                list.push(j as u32);
                mentor_prefs[j].push(i as u32);
            }
        }
        mentee_prefs.push(list);
    }
    for list in &mut mentor_prefs {
        for a in (1..list.len()).rev() {
            let b = rng.below(a as u64 + 1) as usize;
            list.swap(a, b);
        }
    }
    let mean = (n_mentees as u64 * 6 / 5 / n_mentors as u64).max(1);
    let capacities = (0..n_mentors).map(|_| (mean / 2 + rng.below(mean + 1)) as u32).collect();
    StableProblem { mentee_prefs, mentor_prefs, capacities }
}

const SIZES: [usize; 3] = [1_000, 10_000, 50_000];

fn bench_solver(c: &mut Criterion) {
    let mut group = c.benchmark_group("stable_matching");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in SIZES {
        let problem = instance(n, 30, 42);
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &problem, |b, p| {
            b.iter(|| stable_matching(black_box(p)).unwrap())
        });
    }
    group.finish();
}

fn bench_blocking_pairs(c: &mut Criterion) {
    let mut group = c.benchmark_group("blocking_pairs");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in SIZES {
        let problem = instance(n, 30, 42);
        let matching = stable_matching(&problem).unwrap();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &problem, |b, p| {
            b.iter(|| blocking_pairs(black_box(p), black_box(&matching)).unwrap())
        });
    }
    group.finish();
}

fn bench_prefs_from_scores(c: &mut Criterion) {
    let mut group = c.benchmark_group("prefs_from_scores");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    for n in SIZES {
        let problem = instance(n, 30, 42);
        let mut rng = SplitMix64(7);
        let edges: Vec<(u32, u32, i64)> = problem
            .mentee_prefs
            .iter()
            .enumerate()
            .flat_map(|(i, list)| list.iter().map(move |&j| (i as u32, j)))
            .map(|(i, j)| (i, j, rng.below(1_000) as i64))
            .collect();
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::from_parameter(n), &edges, |b, edges| {
            b.iter(|| prefs_from_scores(n, problem.capacities.clone(), black_box(edges)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench_solver, bench_blocking_pairs, bench_prefs_from_scores);
criterion_main!(benches);
