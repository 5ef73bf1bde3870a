//! Inputs shared by the benchmarks: a seeded generator for solver instances,
//! and generated populations with the national proportions of roles.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use passiton::Dataset;
use passiton::generate::{GenerateConfig, generate};

/// SplitMix64: a tiny, well-mixed, seedable generator, so every run
/// benchmarks the same instances without depending on `rand`'s streams.
pub struct SplitMix64(pub u64);

impl SplitMix64 {
    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), by multiply-shift.
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next()) * u128::from(n)) >> 64) as u64
    }
}

/// Writes a generated population of `jobseekers` with the national
/// proportions (745 jobseekers : 100 mentors : 11 coaches : 20 employers)
/// into `dir/data{jobseekers}` and returns that path.
pub fn population_dir(dir: &Path, jobseekers: usize, seed: u64) -> PathBuf {
    let out = dir.join(format!("data{jobseekers}"));
    let config = GenerateConfig {
        jobseekers,
        mentors: jobseekers * 100 / 745,
        coaches: (jobseekers * 11 / 745).max(1),
        employers: (jobseekers * 20 / 745).max(1),
        seed,
        region: None,
    };
    generate(&config, &out, false).expect("generate");
    out
}

/// A generated population of `jobseekers`, loaded.
pub fn population(jobseekers: usize, seed: u64) -> Dataset {
    let dir = tempfile::tempdir().expect("temporary directory");
    passiton::read_dataset(&population_dir(dir.path(), jobseekers, seed)).expect("generated data is valid")
}
