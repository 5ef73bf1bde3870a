//! Benchmarks for the synthetic-population generator: a whole data
//! directory written for 1k, 10k and 100k people, in the national mix of
//! roles (74.5% jobseekers, 10% mentors, 1.1% coaches, 2% employers per person).

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::generate::{GenerateConfig, generate};

/// A config with about `people` people in the national proportions.
fn config(people: usize) -> GenerateConfig {
    // National scale: 745,000 jobseekers, 100,000 mentors, 11,000 coaches, 20,000 employers.
    let total = 745_000 + 100_000 + 11_000;
    let share = |n: usize| (n * people).div_ceil(total);
    GenerateConfig {
        jobseekers: share(745_000),
        mentors: share(100_000),
        coaches: share(11_000),
        employers: share(20_000),
        seed: 42,
        region: None,
    }
}

fn bench_generate(c: &mut Criterion) {
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    let root = tempfile::tempdir().expect("temporary directory");
    for people in [1_000, 10_000, 100_000] {
        let config = config(people);
        let out = root.path().join(people.to_string());
        group.throughput(Throughput::Elements(people as u64));
        group.bench_with_input(BenchmarkId::from_parameter(people), &config, |b, config| {
            b.iter(|| generate(config, &out, true).expect("generate"));
        });
    }
    group.finish();
}

criterion_group!(benches, bench_generate);
criterion_main!(benches);
