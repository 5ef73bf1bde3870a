//! Candidate search and shortlists: the indexed search beside brute force on
//! the same generated populations, so the ratio is measured in one run.

mod common;

use common::population;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::{CandidateOptions, ScoreContext, ShortlistOptions, Weights, candidates, candidates_brute_force};

fn bench_candidates(c: &mut Criterion) {
    let mut group = c.benchmark_group("candidates");
    group.sample_size(10);
    for jobseekers in [2_000, 10_000] {
        let data = population(jobseekers, 7);
        let ctx = ScoreContext::new(&data, Weights::default()).expect("default weights");
        let options = CandidateOptions::default();
        group.throughput(Throughput::Elements(jobseekers as u64));
        group.bench_with_input(BenchmarkId::new("indexed", jobseekers), &ctx, |b, ctx| {
            b.iter(|| candidates(ctx, &options))
        });
        group.bench_with_input(BenchmarkId::new("brute_force", jobseekers), &ctx, |b, ctx| {
            b.iter(|| candidates_brute_force(ctx, &options))
        });
    }
    group.finish();
}

fn bench_shortlists(c: &mut Criterion) {
    let mut group = c.benchmark_group("shortlists");
    group.sample_size(10);
    for jobseekers in [2_000, 10_000] {
        let data = population(jobseekers, 7);
        let ctx = ScoreContext::new(&data, Weights::default()).expect("default weights");
        let found = candidates(&ctx, &CandidateOptions::default());
        group.throughput(Throughput::Elements(jobseekers as u64));
        group.bench_with_input(BenchmarkId::from_parameter(jobseekers), &found, |b, found| {
            b.iter(|| passiton::shortlists(&ctx, found, &ShortlistOptions::default()).expect("shortlists"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_candidates, bench_shortlists);
criterion_main!(benches);
