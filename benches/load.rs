//! Loading a data directory from CSV beside loading the same data from a
//! snapshot, and writing snapshots, on generated populations.

mod common;

use common::population_dir;
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

fn bench_load(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    for jobseekers in [8_700, 87_000] {
        let data_dir = population_dir(dir.path(), jobseekers, 11);
        let data = passiton::read_dataset(&data_dir).expect("generated data is valid");
        let snapshot = dir.path().join(format!("{jobseekers}.snapshot"));
        passiton::write_snapshot(&data, &snapshot).expect("snapshot");
        group.throughput(Throughput::Elements(jobseekers as u64));
        group.bench_with_input(BenchmarkId::new("csv", jobseekers), &data_dir, |b, path| {
            b.iter(|| passiton::read_dataset(path).expect("valid"))
        });
        group.bench_with_input(BenchmarkId::new("snapshot", jobseekers), &snapshot, |b, path| {
            b.iter(|| passiton::read_snapshot(path).expect("valid"))
        });
    }
    group.finish();
}

fn bench_snapshot_write(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut group = c.benchmark_group("snapshot_write");
    group.sample_size(10);
    for jobseekers in [8_700, 87_000] {
        let data =
            passiton::read_dataset(&population_dir(dir.path(), jobseekers, 11)).expect("generated data is valid");
        let target = dir.path().join("out.snapshot");
        group.throughput(Throughput::Elements(jobseekers as u64));
        group.bench_with_input(BenchmarkId::from_parameter(jobseekers), &data, |b, data| {
            b.iter(|| passiton::write_snapshot(data, &target).expect("snapshot"))
        });
    }
    group.finish();
}

criterion_group!(benches, bench_load, bench_snapshot_write);
criterion_main!(benches);
