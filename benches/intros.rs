//! Warm introductions: the branch-and-bound search beside the brute-force
//! enumeration of every simple path, on the same generated populations, so
//! the ratio is measured in one run.

mod common;

use common::population;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::intros::{IntroOptions, intros, intros_brute_force};
use passiton::{ScoreContext, Weights};

fn bench_intros(c: &mut Criterion) {
    let mut group = c.benchmark_group("intros");
    group.sample_size(10);
    for jobseekers in [2_000, 20_000] {
        let data = population(jobseekers, 7);
        let ctx = ScoreContext::new(&data, Weights::default()).expect("default weights");
        group.throughput(Throughput::Elements(jobseekers as u64));
        for (name, weak_ties) in [("search", false), ("search_weak_ties", true)] {
            let options = IntroOptions { weak_ties, ..IntroOptions::default() };
            group.bench_with_input(BenchmarkId::new(name, jobseekers), &ctx, |b, ctx| {
                b.iter(|| intros(ctx, &options).expect("valid options"))
            });
        }
        let options = IntroOptions::default();
        group.bench_with_input(BenchmarkId::new("brute_force", jobseekers), &ctx, |b, ctx| {
            b.iter(|| intros_brute_force(ctx, &options).expect("valid options"))
        });
    }
    group.finish();
}

/// The search alone at two sizes, one series with a throughput per jobseeker.
fn bench_intros_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("intros_by_size");
    group.sample_size(10);
    for jobseekers in [5_000, 50_000] {
        let data = population(jobseekers, 7);
        let ctx = ScoreContext::new(&data, Weights::default()).expect("default weights");
        group.throughput(Throughput::Elements(jobseekers as u64));
        group.bench_with_input(BenchmarkId::from_parameter(jobseekers), &ctx, |b, ctx| {
            b.iter(|| intros(ctx, &IntroOptions::default()).expect("valid options"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_intros, bench_intros_sizes);
criterion_main!(benches);
