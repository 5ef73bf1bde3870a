//! A static k-d tree over points on the unit sphere, for "the `n` nearest
//! points that pass a test" and "every point within a distance".
//!
//! Peer search asks, for each of hundreds of thousands of jobseekers, for
//! the few dozen nearest others who pass the hard rules. A general spatial
//! index answers that with a nearest-first iterator over a priority queue
//! of nodes and points, whose pushes and pops cost more than the search
//! itself. This tree instead walks depth first, nearer child first, and
//! skips every node farther than the `n`-th accepted point so far: no
//! queue, and in a typical neighbourhood hardly more nodes than a
//! nearest-first walk.
//!
//! Results never depend on the tree's shape: points are ranked by (squared
//! chord, rank), where the caller gives each accepted point a rank (an id
//! order), and a node is skipped only when it is strictly farther than the
//! `n`-th point, so every point tied with it is still seen.
//!
//! Building: O(P log P) for P points. A query visits O(log P + n) nodes in a
//! typical neighbourhood, more where many nearby points fail the test.

use crate::geo::{box_chord2, chord2};

/// Points per leaf.
const LEAF_SIZE: usize = 16;

/// A point's payload with its position; `T` is what the caller's test reads.
#[derive(Clone, Copy, Debug)]
struct Item<T> {
    point: [f64; 3],
    data: T,
}

/// A range of the tree's items, the box around them and its children.
#[derive(Clone, Copy, Debug)]
struct Node {
    lo: [f64; 3],
    hi: [f64; 3],
    start: u32,
    end: u32,
    children: Option<(u32, u32)>,
}

impl Node {
    /// The least squared chord from `query` to anything in the box.
    fn min_d2(&self, query: &[f64; 3]) -> f64 {
        box_chord2(&self.lo, &self.hi, query)
    }
}

/// A k-d tree over points (unit vectors) carrying a `T` each.
#[derive(Clone, Debug)]
pub(crate) struct PointTree<T> {
    items: Vec<Item<T>>,
    nodes: Vec<Node>,
}

/// A point found by [`PointTree::nearest`]: its squared chord from the
/// query, the rank the test gave it, its position and its payload.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Found<T> {
    pub(crate) d2: f64,
    pub(crate) rank: u32,
    pub(crate) point: [f64; 3],
    pub(crate) data: T,
}

impl<T: Copy> PointTree<T> {
    /// The tree over `points`. Deterministic: the same points in the same
    /// order give the same tree.
    pub(crate) fn build(points: impl IntoIterator<Item = ([f64; 3], T)>) -> PointTree<T> {
        let mut items: Vec<Item<T>> = points.into_iter().map(|(point, data)| Item { point, data }).collect();
        let mut nodes = Vec::new();
        if !items.is_empty() {
            let len = items.len();
            build_node(&mut nodes, &mut items, 0, len);
        }
        PointTree { items, nodes }
    }

    /// Number of points.
    pub(crate) fn len(&self) -> usize {
        self.items.len()
    }

    /// Every point with its payload, in tree order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&[f64; 3], &T)> {
        self.items.iter().map(|item| (&item.point, &item.data))
    }

    /// The `n` nearest points to `query` (a unit vector) with a squared
    /// chord of at most `max_d2` that `accept` takes, ascending by (squared
    /// chord, rank). `accept` sees a point's payload, position and squared
    /// chord and returns its rank, or `None` to pass over it; it is called only for
    /// points that could still enter the result.
    pub(crate) fn nearest(
        &self,
        query: &[f64; 3],
        n: usize,
        max_d2: f64,
        mut accept: impl FnMut(&T, &[f64; 3], f64) -> Option<u32>,
    ) -> Vec<Found<T>> {
        let mut found: Vec<Found<T>> = Vec::with_capacity(n + 1);
        if n == 0 || self.nodes.is_empty() {
            return found;
        }
        // Everything farther than this cannot enter: the limit, then the n-th point.
        let mut cut = max_d2;
        let mut stack: Vec<(f64, u32)> = vec![(self.nodes[0].min_d2(query), 0)];
        while let Some((min_d2, at)) = stack.pop() {
            if min_d2 > cut {
                continue;
            }
            let node = &self.nodes[at as usize];
            if let Some((left, right)) = node.children {
                let (l, r) = (self.nodes[left as usize].min_d2(query), self.nodes[right as usize].min_d2(query));
                // Nearer child on top of the stack, so it is walked first.
                let (near, far) = if l <= r { ((l, left), (r, right)) } else { ((r, right), (l, left)) };
                for child in [far, near] {
                    if child.0 <= cut {
                        stack.push(child);
                    }
                }
                continue;
            }
            for item in &self.items[node.start as usize..node.end as usize] {
                let d2 = chord2(&item.point, query);
                if d2 > cut {
                    continue;
                }
                let Some(rank) = accept(&item.data, &item.point, d2) else { continue };
                let entry = Found { d2, rank, point: item.point, data: item.data };
                let at = found.partition_point(|f| (f.d2, f.rank) < (d2, rank));
                if found.len() == n && at == n {
                    continue;
                }
                found.insert(at, entry);
                if found.len() > n {
                    found.pop();
                }
                if found.len() == n {
                    cut = found[n - 1].d2;
                }
            }
        }
        found
    }

    /// Calls `visit` with every point within a squared chord of `max_d2`
    /// of `query`, in tree order.
    pub(crate) fn within(&self, query: &[f64; 3], max_d2: f64, mut visit: impl FnMut(&T, &[f64; 3], f64)) {
        if self.nodes.is_empty() {
            return;
        }
        let mut stack = vec![0u32];
        while let Some(at) = stack.pop() {
            let node = &self.nodes[at as usize];
            if node.min_d2(query) > max_d2 {
                continue;
            }
            match node.children {
                Some((left, right)) => stack.extend([right, left]),
                None => {
                    for item in &self.items[node.start as usize..node.end as usize] {
                        let d2 = chord2(&item.point, query);
                        if d2 <= max_d2 {
                            visit(&item.data, &item.point, d2);
                        }
                    }
                }
            }
        }
    }
}

/// Builds the node over `items[start..end]` and those below it; returns its index.
fn build_node<T>(nodes: &mut Vec<Node>, items: &mut [Item<T>], start: usize, end: usize) -> u32 {
    let mut lo = [f64::INFINITY; 3];
    let mut hi = [f64::NEG_INFINITY; 3];
    for item in &items[start..end] {
        for axis in 0..3 {
            lo[axis] = lo[axis].min(item.point[axis]);
            hi[axis] = hi[axis].max(item.point[axis]);
        }
    }
    let at = nodes.len() as u32;
    nodes.push(Node { lo, hi, start: start as u32, end: end as u32, children: None });
    if end - start > LEAF_SIZE {
        // Split the widest side at the median.
        let axis = (0..3).max_by(|&a, &b| (hi[a] - lo[a]).total_cmp(&(hi[b] - lo[b]))).unwrap_or(0);
        let mid = start + (end - start) / 2;
        items[start..end].select_nth_unstable_by(mid - start, |x, y| x.point[axis].total_cmp(&y.point[axis]));
        let left = build_node(nodes, items, start, mid);
        let right = build_node(nodes, items, mid, end);
        nodes[at as usize].children = Some((left, right));
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn points(raw: &[(f64, f64)]) -> Vec<([f64; 3], u32)> {
        raw.iter().enumerate().map(|(i, &(lat, lon))| (crate::geo::unit_vector(lat, lon), i as u32)).collect()
    }

    proptest! {
        /// The tree finds what sorting every point finds, with the same test.
        #[test]
        fn nearest_and_within_agree_with_sorting_everything(
            raw in prop::collection::vec((50.0..51.0f64, -1.0..0.0f64), 0..300),
            query in (50.0..51.0f64, -1.0..0.0f64),
            n in 0usize..40,
            max_d2 in 0.0..1e-4f64,
            modulus in 1u32..4,
        ) {
            // Coarse positions, so that many points share a distance.
            let raw: Vec<(f64, f64)> = raw.iter().map(|&(a, b)| ((a * 50.0).round() / 50.0, (b * 50.0).round() / 50.0)).collect();
            let all = points(&raw);
            let tree = PointTree::build(all.clone());
            let q = crate::geo::unit_vector(query.0, query.1);
            let rank = |id: u32| 1000 - id;
            let got = tree.nearest(&q, n, max_d2, |&id, _, _| (id % modulus != 0).then(|| rank(id)));
            let mut want: Vec<(f64, u32, u32)> = all
                .iter()
                .map(|(p, id)| (chord2(p, &q), rank(*id), *id))
                .filter(|&(d2, _, id)| d2 <= max_d2 && id % modulus != 0)
                .collect();
            want.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
            want.truncate(n);
            let got: Vec<(f64, u32, u32)> = got.iter().map(|f| (f.d2, f.rank, f.data)).collect();
            prop_assert_eq!(got, want);

            let mut seen = Vec::new();
            tree.within(&q, max_d2, |&id, _, _| seen.push(id));
            seen.sort_unstable();
            let mut inside: Vec<u32> = all.iter().filter(|(p, _)| chord2(p, &q) <= max_d2).map(|(_, id)| *id).collect();
            inside.sort_unstable();
            prop_assert_eq!(seen, inside);
            prop_assert_eq!(tree.len(), all.len());
        }
    }
}
