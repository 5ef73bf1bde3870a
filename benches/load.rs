//! Loading a data directory from CSV beside loading the same data from a
//! snapshot, and writing snapshots, on generated populations.

use std::path::Path;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use passiton::generate::{GenerateConfig, generate};

/// Writes a generated population with the national proportions of roles.
fn population(dir: &Path, people: usize) -> std::path::PathBuf {
    let out = dir.join(format!("data{people}"));
    let config = GenerateConfig {
        jobseekers: people * 745 / 876,
        mentors: people * 100 / 876,
        coaches: (people * 11 / 876).max(1),
        employers: (people * 20 / 876).max(1),
        seed: 11,
        region: None,
    };
    generate(&config, &out, false).expect("generate");
    out
}

fn bench_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for people in [10_000, 100_000] {
        let data_dir = population(dir.path(), people);
        let data = passiton::read_dataset(&data_dir).expect("generated data is valid");
        let snapshot = dir.path().join(format!("{people}.snapshot"));
        passiton::write_snapshot(&data, &snapshot).expect("snapshot");
        group.throughput(Throughput::Elements(people as u64));
        group.bench_with_input(BenchmarkId::new("csv", people), &data_dir, |b, path| {
            b.iter(|| passiton::read_dataset(path).expect("valid"))
        });
        group.bench_with_input(BenchmarkId::new("snapshot", people), &snapshot, |b, path| {
            b.iter(|| passiton::read_snapshot(path).expect("valid"))
        });
    }
    group.finish();
}

fn bench_snapshot_write(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("snapshot_write");
    group.sample_size(10);
    for people in [10_000, 100_000] {
        let data = passiton::read_dataset(&population(dir.path(), people)).expect("generated data is valid");
        let target = dir.path().join("out.snapshot");
        group.throughput(Throughput::Elements(people as u64));
        group.bench_with_input(BenchmarkId::from_parameter(people), &data, |b, data| {
            b.iter(|| passiton::write_snapshot(data, &target).expect("snapshot"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load, bench_snapshot_write);
criterion_main!(benches);
