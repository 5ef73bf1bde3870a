//! Geography: great-circle distance, the UK's local areas with their
//! centroids, and the towns the synthetic population is placed around.
//!
//! Areas are ONS local authority districts (2025 codes, 361 of them); places
//! are GeoNames towns of 15,000 people or more. Both are bundled from
//! `data/` (see `data/README.md` for sources, licences and attribution).

use std::collections::HashMap;

const AREAS_CSV: &str = include_str!("../data/areas.csv");
const PLACES_CSV: &str = include_str!("../data/places.csv");

/// Mean Earth radius in km (IUGG), the usual choice for haversine distances.
pub const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Great-circle distance in km between two points given in decimal degrees.
///
/// Computed from the chord between the two points on the unit sphere
/// (`2R·asin(chord / 2)`), which is exact on the sphere and well conditioned
/// at short range; the sphere itself is within about 0.5% of the ellipsoid,
/// far below the precision of anyone's stated travel limit. Every distance in
/// passiton goes through [`unit_vector`] and [`chord_km`], so a distance
/// computed from cached unit vectors is bit-for-bit the one computed here.
///
/// # Examples
///
/// ```
/// // Manchester to Birmingham is about 113 km as the crow flies.
/// let km = passiton::great_circle_km(53.48095, -2.23743, 52.48142, -1.89983);
/// assert!((km - 113.0).abs() < 2.0);
/// ```
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    chord_km(&unit_vector(lat1, lon1), &unit_vector(lat2, lon2))
}

/// The point at `lat`, `lon` (decimal degrees) on the unit sphere.
pub fn unit_vector(lat: f64, lon: f64) -> [f64; 3] {
    let (phi, lambda) = (lat.to_radians(), lon.to_radians());
    [phi.cos() * lambda.cos(), phi.cos() * lambda.sin(), phi.sin()]
}

/// Great-circle km between two unit vectors.
pub fn chord_km(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    chord_to_km(chord(a, b))
}

/// The straight-line distance between two unit vectors: a chord of the unit sphere.
pub fn chord(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    chord2(a, b).sqrt()
}

/// The squared chord between two unit vectors, summed as `(dx² + dy²) + dz²`;
/// [`chord`] is its square root, bit for bit.
pub fn chord2(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let (dx, dy, dz) = (a[0] - b[0], a[1] - b[1], a[2] - b[2]);
    dx * dx + dy * dy + dz * dz
}

/// The least squared chord from `point` to the box `lo..=hi` (per axis):
/// no point in the box is nearer.
pub fn box_chord2(lo: &[f64; 3], hi: &[f64; 3], point: &[f64; 3]) -> f64 {
    let mut d2 = 0.0;
    for ((lo, hi), p) in lo.iter().zip(hi).zip(point) {
        let gap = (lo - p).max(p - hi).max(0.0);
        d2 += gap * gap;
    }
    d2
}

/// A lower bound on [`chord_to_km`] without the arcsine: `asin(x) ≥ x`, so
/// the arc is at least `R × chord`, shaded by a hair for rounding. Within
/// 0.001% of the arc up to 100 km.
pub fn chord_km_floor(chord: f64) -> f64 {
    EARTH_RADIUS_KM * chord * (1.0 - 1e-12)
}

/// Great-circle km for a chord of the unit sphere; increasing in `chord`.
pub fn chord_to_km(chord: f64) -> f64 {
    2.0 * EARTH_RADIUS_KM * (chord / 2.0).min(1.0).asin()
}

/// A limit in km, tested against chords: "is a pair this chord apart within
/// the limit" is answered exactly as `chord_to_km(chord) <= km` would answer
/// it, but without the arcsine unless the chord is within rounding of the
/// limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Reach {
    km: f64,
    /// Chords below this are certainly within the limit...
    surely_within: f64,
    /// ...and chords above this certainly beyond it.
    surely_beyond: f64,
}

impl Reach {
    /// Relative margin around the limit's chord inside which the arc is computed.
    const MARGIN: f64 = 1e-9;
    /// Chords below this are always measured: far from subnormal numbers,
    /// where relative rounding is no longer small.
    const TINY: f64 = 1e-150;

    /// The limit of `km` great-circle kilometres.
    pub fn new(km: f64) -> Reach {
        let half_angle = km / (2.0 * EARTH_RADIUS_KM);
        let (surely_within, surely_beyond) = if half_angle < 1.5 {
            // The chord of the limit. `asin` is convex and zero at zero, so
            // a chord a factor below (above) it has an arc at least that
            // factor below (above) the limit, far beyond rounding.
            let limit = 2.0 * half_angle.sin();
            let within = limit * (1.0 - Reach::MARGIN);
            (if within >= Reach::TINY { within } else { 0.0 }, (limit * (1.0 + Reach::MARGIN)).max(Reach::TINY))
        } else if half_angle > std::f64::consts::FRAC_PI_2 * (1.0 + Reach::MARGIN) {
            // Past the antipode: every pair on Earth is within it.
            (f64::INFINITY, f64::INFINITY)
        } else {
            // Near the antipode, where the chord says little: compute the arc.
            (f64::NEG_INFINITY, f64::INFINITY)
        };
        Reach { km, surely_within, surely_beyond }
    }

    /// The limit in km.
    pub fn km(&self) -> f64 {
        self.km
    }

    /// A squared chord that no pair within the limit exceeds, for pruning
    /// searches by squared distance.
    pub fn max_chord2(&self) -> f64 {
        self.surely_beyond * self.surely_beyond * (1.0 + 1e-12)
    }

    /// Whether two points `chord` apart (see [`chord`]) are within the limit:
    /// exactly `chord_to_km(chord) <= self.km()`.
    pub fn admits(&self, chord: f64) -> bool {
        if chord < self.surely_within {
            true
        } else if chord > self.surely_beyond {
            false
        } else {
            chord_to_km(chord) <= self.km
        }
    }
}

/// Dense index of a local area in [`Areas`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AreaIdx(pub u16);

/// A local area (ONS local authority district).
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    /// ONS code, e.g. `E08000003`.
    pub code: String,
    /// ONS name, e.g. `Manchester`.
    pub name: String,
    /// English region, or the nation outside England.
    pub region: String,
    /// `England`, `Wales`, `Scotland` or `Northern Ireland`.
    pub country: String,
    /// Centroid latitude, WGS84 degrees.
    pub lat: f64,
    /// Centroid longitude, WGS84 degrees.
    pub lon: f64,
    /// Live postcode units in the area: a rough density proxy (0 for Northern Ireland).
    pub postcodes: u32,
}

/// The UK's local areas, sorted by code.
#[derive(Clone, Debug)]
pub struct Areas {
    /// Every area, sorted by code; [`AreaIdx`] indexes this.
    pub areas: Vec<Area>,
    by_code: HashMap<String, AreaIdx>,
}

impl Areas {
    /// The 361 ONS local authority districts (2025) bundled with the crate.
    ///
    /// # Panics
    ///
    /// Never in a released build: the bundled table is checked by a unit test.
    pub fn uk_2025() -> Areas {
        let mut reader = csv::Reader::from_reader(AREAS_CSV.as_bytes());
        let mut areas = Vec::new();
        for record in reader.records() {
            let r = record.expect("bundled areas table is valid CSV");
            let number = |i: usize| r.get(i).unwrap_or_default().parse::<f64>().unwrap_or(f64::NAN);
            areas.push(Area {
                code: r[0].to_string(),
                name: r[1].to_string(),
                region: r[3].to_string(),
                country: r[4].to_string(),
                lat: number(5),
                lon: number(6),
                postcodes: r[7].parse().unwrap_or(0),
            });
        }
        let by_code = areas.iter().enumerate().map(|(i, a)| (a.code.clone(), AreaIdx(i as u16))).collect();
        Areas { areas, by_code }
    }

    /// The index of the area with ONS code `code`.
    pub fn lookup(&self, code: &str) -> Option<AreaIdx> {
        self.by_code.get(code).copied()
    }

    /// The area at `idx`.
    ///
    /// # Panics
    ///
    /// If `idx` did not come from this table.
    pub fn area(&self, idx: AreaIdx) -> &Area {
        &self.areas[usize::from(idx.0)]
    }
}

/// A town or city to place synthetic people around.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    /// GeoNames name.
    pub name: String,
    /// Latitude, WGS84 degrees.
    pub lat: f64,
    /// Longitude, WGS84 degrees.
    pub lon: f64,
    /// GeoNames population: a relative weight, not a census count (entries overlap).
    pub population: u32,
    /// The local area the place lies in.
    pub area: AreaIdx,
}

/// The 865 UK towns of 15,000 people or more, largest first, with their areas.
///
/// # Panics
///
/// Never in a released build: the bundled table is checked by a unit test.
pub fn uk_places(areas: &Areas) -> Vec<Place> {
    let mut reader = csv::Reader::from_reader(PLACES_CSV.as_bytes());
    reader
        .records()
        .map(|record| {
            let r = record.expect("bundled places table is valid CSV");
            Place {
                name: r[1].to_string(),
                lat: r[2].parse().expect("bundled latitude"),
                lon: r[3].parse().expect("bundled longitude"),
                population: r[4].parse().expect("bundled population"),
                area: areas.lookup(&r[6]).expect("bundled place lies in a bundled area"),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_tables_load() {
        let areas = Areas::uk_2025();
        assert_eq!(areas.areas.len(), 361);
        assert!(areas.areas.iter().all(|a| (49.0..61.0).contains(&a.lat) && (-9.0..2.0).contains(&a.lon)));
        let manchester = areas.area(areas.lookup("E08000003").unwrap());
        assert_eq!(manchester.name, "Manchester");
        assert_eq!(manchester.region, "North West");
        let places = uk_places(&areas);
        assert_eq!(places.len(), 865);
        assert_eq!(places[0].name, "London");
    }

    #[test]
    fn distance_is_symmetric_and_zero_on_the_diagonal() {
        let d = great_circle_km(51.5, -0.12, 55.95, -3.19);
        assert!((d - great_circle_km(55.95, -3.19, 51.5, -0.12)).abs() < 1e-9);
        assert!((d - 534.0).abs() < 5.0, "London to Edinburgh is about 534 km, got {d}");
        assert_eq!(great_circle_km(52.0, -1.0, 52.0, -1.0), 0.0);
    }

    /// `Reach::admits` must answer as the arc itself would, above all for
    /// chords within rounding of the limit.
    fn assert_reach_is_exact(km: f64, chord: f64) {
        assert_eq!(Reach::new(km).admits(chord), chord_to_km(chord) <= km, "limit {km} km, chord {chord}");
    }

    #[test]
    fn reach_answers_as_the_arc_does_at_its_edge() {
        for km in [0.0, 1e-9, 0.5, 3.0, 25.0, 80.0, 1000.0, 19_000.0, 20_015.08, 20_016.0, 1e9, f64::INFINITY] {
            let limit = 2.0 * (km / (2.0 * EARTH_RADIUS_KM)).sin();
            let mut near = limit.clamp(0.0, 2.0);
            for _ in 0..64 {
                assert_reach_is_exact(km, near);
                near = f64::from_bits(near.to_bits() + 1);
            }
            let mut near = limit.clamp(0.0, 2.0);
            for _ in 0..64 {
                assert_reach_is_exact(km, near);
                near = f64::from_bits(near.to_bits().saturating_sub(1));
            }
            for chord in [0.0, 1e-12, 1e-4, 0.01, 0.3, 1.0, 1.999, 2.0] {
                assert_reach_is_exact(km, chord);
            }
        }
        assert!(!Reach::new(-1.0).admits(0.0));
        assert!(!Reach::new(f64::NAN).admits(0.0));
    }

    proptest::proptest! {
        #[test]
        fn reach_answers_as_the_arc_does(km in 0.0..25_000.0f64, chord in 0.0..2.0f64, nudge in -4i64..4) {
            assert_reach_is_exact(km, chord);
            let reach = Reach::new(km);
            proptest::prop_assert!(!reach.admits(chord) || chord * chord <= reach.max_chord2());
            let limit = 2.0 * (km / (2.0 * EARTH_RADIUS_KM)).sin();
            if limit > 0.0 && limit < 2.0 {
                assert_reach_is_exact(km, f64::from_bits(limit.to_bits().wrapping_add_signed(nudge)));
            }
        }

        /// The candidate search drops a helper whose squared chord from the
        /// jobseeker exceeds `max_chord2` before it takes the square root:
        /// no pair of points the limit admits may be dropped, even with the
        /// limit set right at their own distance.
        #[test]
        fn max_chord2_keeps_every_admitted_pair(
            lat in 49.0..61.0f64, lon in -8.0..2.0f64, dlat in -2.0..2.0f64, dlon in -2.0..2.0f64, nudge in -4i64..4,
        ) {
            let (a, b) = (unit_vector(lat, lon), unit_vector(lat + dlat, lon + dlon));
            let km = f64::from_bits(chord_km(&a, &b).to_bits().wrapping_add_signed(nudge));
            let reach = Reach::new(km);
            proptest::prop_assert!(!reach.admits(chord(&a, &b)) || chord2(&a, &b) <= reach.max_chord2());
        }
    }
}
