//! Peer pairs on generated populations: candidate peer search, then the
//! exact pairing beside the greedy baseline on the same candidate edges, so
//! the ratio of the two is measured in one run.

mod common;

use std::hint::black_box;

use common::population;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::pair::{greedy_pairing, max_weight_pairing};
use passiton::peers::{PeerOptions, peer_candidates};
use passiton::{ScoreContext, Weights};

fn bench_peers(c: &mut Criterion) {
    let mut group = c.benchmark_group("peers");
    group.sample_size(10);
    for jobseekers in [2_000usize, 20_000] {
        let data = population(jobseekers, 11);
        let ctx = ScoreContext::new(&data, Weights::default()).expect("default weights");
        let options = PeerOptions::default();
        let found = peer_candidates(&ctx, &options).expect("candidates");
        let problem = found.problem();
        group.throughput(Throughput::Elements(jobseekers as u64));
        group.bench_with_input(BenchmarkId::from_parameter(format!("candidates/{jobseekers}")), &ctx, |b, ctx| {
            b.iter(|| peer_candidates(black_box(ctx), &options).expect("candidates"))
        });
        group.bench_with_input(BenchmarkId::from_parameter(format!("exact/{jobseekers}")), &problem, |b, p| {
            b.iter(|| max_weight_pairing(black_box(p)).expect("valid problem"))
        });
        group.bench_with_input(BenchmarkId::from_parameter(format!("greedy/{jobseekers}")), &problem, |b, p| {
            b.iter(|| greedy_pairing(black_box(p)).expect("valid problem"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_peers);
criterion_main!(benches);
