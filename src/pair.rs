//! Peer pairing: exact maximum-weight matching on a general graph.
//!
//! # Problem
//!
//! Jobseekers are the vertices `0..n` of an undirected graph; an edge
//! `{a, b}` with an integer `score` says how much `a` and `b` would gain
//! from supporting each other. A *pairing* (a matching) is a set of edges
//! no two of which share a vertex; each jobseeker has at most one peer.
//! [`max_weight_pairing`] returns a pairing whose total score is as large as
//! possible. The graph is general (odd cycles allowed), sparse, and the
//! pairing need not be perfect: jobseekers may stay unpaired. Edges with
//! `score <= 0` never increase the total and are never taken.
//!
//! # What optimal means, and the certificate
//!
//! Optimal means no other pairing of the same graph has a larger total
//! score. Every result carries a proof of this, a [`PairCertificate`]: a
//! solution of the dual of Edmonds' linear program, in doubled units so
//! that everything stays integral:
//!
//! * a dual `y_v >= 0` for every vertex, and a dual `z_B >= 0` for a
//!   laminar family of odd vertex sets `B` (the blossoms);
//! * every edge is *covered*: `y_a + y_b + sum(z_B : a, b in B) >= 2 * score`;
//! * complementary slackness: every paired edge is covered with equality,
//!   every unpaired vertex has `y_v = 0`, and every blossom with `z_B > 0`
//!   is *full* (it contains `(|B| - 1) / 2` pairs).
//!
//! Summing the covering inequality over the edges of any pairing `M'` gives
//! `2 * score(M') <= sum(y) + sum(z_B * (|B| - 1) / 2)`, and the slackness
//! conditions make that bound equal to `2 * score(M)` for the returned `M`
//! (Edmonds 1965). [`verify`] checks all of it independently of the solver,
//! and the solver runs the same check before returning, so a result that is
//! returned is proven optimal.
//!
//! # Algorithm
//!
//! The primal-dual blossom algorithm of Edmonds in the form described by
//! Galil (1986): grow alternating trees from the unpaired vertices along
//! tight edges (zero reduced cost), shrink odd cycles into blossoms, expand
//! blossoms whose dual drops to zero, augment when two trees meet, and
//! otherwise change the duals by the largest step `delta` that keeps them
//! feasible. Differences from the textbook `O(n^3)` array version, all made
//! so that one step costs time proportional to what it touches, not to `n`:
//!
//! * **One forest, kept across augmentations.** Every unpaired vertex roots
//!   a tree from the start, and an augmentation dissolves only the two trees
//!   it joins; the other trees keep their labels. The first phase therefore
//!   behaves like a greedy pass (the heaviest edge becomes tight first)
//!   while staying exact.
//! * **Lazy duals.** A global clock `D` (the sum of all `delta`s) and a
//!   per-blossom offset give every dual in `O(1)`; a dual step and a label
//!   change are `O(1)`, not `O(size of the blossom)`.
//! * **Cheap blossom merges.** Vertices reach their top-level blossom
//!   through a representative; when blossoms merge (shrink) or split
//!   (expand), the largest part keeps its representative and only the
//!   other parts' vertices are rewritten, so a large blossom that keeps
//!   absorbing small cycles (common when many scores tie) stays cheap.
//! * **Event queues.** Three priority queues keyed by the clock reading at
//!   which an event happens: an edge from the forest to an unlabeled vertex
//!   becomes tight, an edge between two outer vertices becomes tight (a
//!   blossom or an augmenting path), an inner blossom's dual reaches zero.
//!   No event is ever due before the current clock, so the queues are
//!   monotone and radix heaps serve them (`O(1)` push, cheap removal).
//!   Entries are never updated in place; a stale entry is recognised when
//!   it comes out (its key no longer matches the recomputed one) and is
//!   dropped, and the queues are compacted when stale entries pile up.
//!
//! # Complexity
//!
//! Between two augmentations a vertex turns outer (and has its edges
//! scanned) at most once, and there are `O(n)` events, each `O(log m)` plus
//! the edges it touches; with at most `n / 2` augmentations a run costs
//! `O(n m log m)` in the worst case, like the priority-queue versions of the
//! algorithm. In practice an augmentation only touches the two trees it
//! joins, so sparse graphs solve far faster than that bound: 20 000
//! vertices and 100 000 random edges take about 0.2 s. The final
//! certificate check is `O(m * blossom nesting depth)`. Memory is
//! `O(n + m)`; the event queues are compacted when stale entries exceed
//! `4 m`.
//!
//! # Numeric limits
//!
//! Scores are `i64`. Internally scores are doubled and duals can reach
//! `n * max_score`, so a problem is refused when `8 * (n + 2) * max_score`
//! does not fit in an `i64` (for 20 000 vertices, scores up to about
//! `5.7e13` are accepted). [`verify`] computes in `i128` and accepts any
//! score.
//!
//! # Input rules and tie-breaking
//!
//! Refused with [`Error::Solver`] (solver `"pair"`),
//! never a panic: an edge endpoint `>= n`, a self-loop, the same pair twice
//! (in either orientation), too many vertices or edges for `u32` indices,
//! and scores that could overflow. Edges are first put in canonical order
//! (`a < b`, then sorted by `(a, b)`), and every choice the solver makes
//! (adjacency order, the order of equal-key events in the queues, event
//! kinds in the fixed order "terminate, grow, shrink or augment, expand")
//! follows from that order, so the same edge set in any order and
//! orientation gives the same pairing. When several pairings are optimal, which one is returned is
//! this deterministic function of the edge set, not a documented preference
//! among optima.
//!
//! [`greedy_pairing`] is the baseline: heaviest edge first, ties by
//! `(a, b)` in canonical orientation.
//!
//! # References
//!
//! * J. Edmonds, "Maximum matching and a polyhedron with 0,1-vertices",
//!   J. Res. NBS 69B (1965) 125-130.
//! * Z. Galil, "Efficient algorithms for finding maximum matching in
//!   graphs", ACM Computing Surveys 18 (1986) 23-38.
//! * Z. Galil, S. Micali, H. Gabow, "An O(EV log V) algorithm for finding a
//!   maximal weighted matching in general graphs", SIAM J. Comput. 15 (1986)
//!   120-130: priority queues for the dual steps.
//! * V. Kolmogorov, "Blossom V: a new implementation of a minimum cost
//!   perfect matching algorithm", Math. Prog. Comp. 1 (2009) 43-67: many
//!   trees grown at once and kept across augmentations.

use std::cmp::Reverse;

use crate::{Error, Result};

/// One candidate pair: jobseekers `a` and `b` gain `score` from each other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct PairEdge {
    /// One endpoint, an index in `0..n`.
    pub a: u32,
    /// The other endpoint, an index in `0..n`, different from `a`.
    pub b: u32,
    /// Gain of pairing `a` with `b`; edges with `score <= 0` are never taken.
    pub score: i64,
}

/// A peer-pairing instance: `n` jobseekers and the candidate pairs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairProblem {
    /// Number of jobseekers; vertices are `0..n`.
    pub n: usize,
    /// Candidate pairs, in any order and orientation, each pair at most once.
    pub edges: Vec<PairEdge>,
}

/// An optimal pairing together with the proof that it is optimal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pairing {
    /// `mate[v]` is `v`'s peer, or `None` when `v` stays unpaired.
    pub mate: Vec<Option<u32>>,
    /// Number of pairs (half the number of paired vertices).
    pub pairs: usize,
    /// Sum of the scores of the chosen pairs.
    pub total_score: i64,
    /// Dual solution proving that no pairing scores more.
    pub certificate: PairCertificate,
}

/// The optimality proof of a [`Pairing`]: a feasible solution of the dual
/// linear program, in doubled units (see the [module docs](self)).
///
/// For every edge, `vertex_dual[a] + vertex_dual[b]` plus the duals of the
/// blossoms containing both `a` and `b` is at least `2 * score`, with
/// equality on paired edges; unpaired vertices have dual zero and every
/// listed blossom is full. The dual objective
/// `sum(vertex_dual) + sum(dual * (len - 1) / 2)` then equals
/// `2 * total_score`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PairCertificate {
    /// `y_v >= 0` for every vertex `v` in `0..n`.
    pub vertex_dual: Vec<i64>,
    /// Blossoms with a positive dual; the vertex sets form a laminar family.
    pub blossoms: Vec<PairBlossom>,
}

/// One odd vertex set of a [`PairCertificate`] with its dual.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PairBlossom {
    /// The vertices of the set, sorted ascending; odd length, at least 3.
    pub vertices: Vec<u32>,
    /// `z_B > 0`.
    pub dual: i64,
}

/// Result of the greedy baseline [`greedy_pairing`]; no optimality proof.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GreedyPairing {
    /// `mate[v]` is `v`'s peer, or `None` when `v` stays unpaired.
    pub mate: Vec<Option<u32>>,
    /// Number of pairs.
    pub pairs: usize,
    /// Sum of the scores of the chosen pairs.
    pub total_score: i64,
}

/// Largest accepted `n`: blossoms get the ids `n..2n`, which must stay
/// below the `u32::MAX` used as "none".
const MAX_VERTICES: usize = (u32::MAX / 2 - 2) as usize;

/// "No vertex / no blossom".
const NONE: u32 = u32::MAX;

fn refuse(problem: impl Into<String>) -> Error {
    Error::solver("pair", problem)
}

/// The edges in canonical form: `a < b`, sorted by `(a, b)`, no duplicates.
struct Canon {
    n: usize,
    a: Vec<u32>,
    b: Vec<u32>,
    w: Vec<i64>,
    /// Largest positive score, 0 when there is none.
    max_w: i64,
}

impl Canon {
    /// Index of edge `{a, b}` (`a < b`), if present.
    fn find(&self, a: u32, b: u32) -> Option<usize> {
        let lo = self.a.partition_point(|&x| x < a);
        let hi = lo + self.a[lo..].partition_point(|&x| x == a);
        let i = lo + self.b[lo..hi].partition_point(|&x| x < b);
        (i < hi && self.b[i] == b).then_some(i)
    }
}

/// Checks the input and puts the edges in canonical order.
fn canonical(problem: &PairProblem) -> Result<Canon> {
    let n = problem.n;
    if n > MAX_VERTICES {
        return Err(refuse(format!("{n} vertices is more than the {MAX_VERTICES} supported")));
    }
    if problem.edges.len() >= NONE as usize {
        return Err(refuse(format!("{} edges is more than supported", problem.edges.len())));
    }
    let mut edges: Vec<(u32, u32, i64, usize)> = Vec::with_capacity(problem.edges.len());
    for (i, e) in problem.edges.iter().enumerate() {
        if e.a as usize >= n || e.b as usize >= n {
            return Err(refuse(format!("edge {i} ({}, {}): vertex index out of range 0..{n}", e.a, e.b)));
        }
        if e.a == e.b {
            return Err(refuse(format!("edge {i}: self-loop on vertex {}", e.a)));
        }
        edges.push((e.a.min(e.b), e.a.max(e.b), e.score, i));
    }
    // Sorting by input position last makes the duplicate report name the
    // first two occurrences.
    edges.sort_unstable_by_key(|&(a, b, _, i)| (a, b, i));
    for pair in edges.windows(2) {
        if pair[0].0 == pair[1].0 && pair[0].1 == pair[1].1 {
            return Err(refuse(format!(
                "duplicate edge {}-{} (edges {} and {})",
                pair[0].0, pair[0].1, pair[0].3, pair[1].3
            )));
        }
    }
    let max_w = edges.iter().map(|e| e.2).max().unwrap_or(0).max(0);
    // Duals stay below n * max_w (the dual objective only decreases from
    // its start n * max_w) and event keys add a few such terms.
    let factor = 8i64.checked_mul(n as i64 + 2);
    if factor.and_then(|f| f.checked_mul(max_w)).is_none() {
        return Err(refuse(format!(
            "score {max_w} is too large for {n} vertices: doubled dual sums could overflow i64"
        )));
    }
    Ok(Canon {
        n,
        a: edges.iter().map(|e| e.0).collect(),
        b: edges.iter().map(|e| e.1).collect(),
        w: edges.iter().map(|e| e.2).collect(),
        max_w,
    })
}

/// Finds a maximum-score pairing and the certificate proving it optimal.
///
/// Runs the blossom algorithm described in the [module docs](self), then
/// checks the certificate (as [`verify`] does) before returning.
///
/// # Errors
///
/// [`Error::Solver`] for an endpoint out of range, a
/// self-loop, a duplicate pair, too many vertices or edges, or scores that
/// could overflow. An internal inconsistency (a bug) is also reported as an
/// error rather than returning an unproven result.
///
/// # Example
///
/// ```
/// use passiton::pair::{max_weight_pairing, PairEdge, PairProblem};
///
/// // A triangle with a pendant vertex: taking the heaviest edge (0-1) alone
/// // scores 10, pairing 0-2 and 1-3 scores 16.
/// let e = |a, b, score| PairEdge { a, b, score };
/// let problem = PairProblem { n: 4, edges: vec![e(0, 1, 10), e(1, 2, 8), e(0, 2, 9), e(1, 3, 7)] };
/// let pairing = max_weight_pairing(&problem)?;
/// assert_eq!(pairing.total_score, 16);
/// assert_eq!(pairing.mate, vec![Some(2), Some(3), Some(0), Some(1)]);
/// # Ok::<(), passiton::Error>(())
/// ```
pub fn max_weight_pairing(problem: &PairProblem) -> Result<Pairing> {
    let canon = canonical(problem)?;
    let mut solver = Solver::new(&canon);
    solver.run();
    if let Some(what) = solver.broken {
        return Err(refuse(format!("internal error: {what}")));
    }
    let pairing = solver.finish();
    check(&canon, &pairing).map_err(|e| refuse(format!("internal error: {e}")))?;
    Ok(pairing)
}

/// Checks that `pairing` is a pairing of `problem` with the stated count
/// and total, and that its certificate proves it optimal.
///
/// Independent of the solver: it only uses the definitions in the
/// [module docs](self), with `i128` arithmetic.
///
/// # Errors
///
/// [`Error::Solver`] if the problem itself is refused
/// (as by [`max_weight_pairing`]) or if any check fails; the message names
/// the first failing vertex, edge or blossom.
pub fn verify(problem: &PairProblem, pairing: &Pairing) -> Result<()> {
    let canon = canonical(problem)?;
    check(&canon, pairing).map_err(refuse)
}

/// The greedy baseline: take edges by score, heaviest first (ties by
/// `(a, b)` with `a < b`), whenever both endpoints are still unpaired.
///
/// Fast and at least half the optimum, but not optimal; it exists to
/// compare against [`max_weight_pairing`].
///
/// # Errors
///
/// The same refusals as [`max_weight_pairing`].
pub fn greedy_pairing(problem: &PairProblem) -> Result<GreedyPairing> {
    let canon = canonical(problem)?;
    let mut order: Vec<usize> = (0..canon.w.len()).filter(|&k| canon.w[k] > 0).collect();
    // Canonical edges are already sorted by (a, b); a stable sort keeps that
    // order among equal scores.
    order.sort_by_key(|&k| Reverse(canon.w[k]));
    let mut mate = vec![None; canon.n];
    let (mut pairs, mut total) = (0usize, 0i64);
    for k in order {
        let (a, b) = (canon.a[k], canon.b[k]);
        if mate[a as usize].is_none() && mate[b as usize].is_none() {
            mate[a as usize] = Some(b);
            mate[b as usize] = Some(a);
            pairs += 1;
            total += canon.w[k];
        }
    }
    Ok(GreedyPairing { mate, pairs, total_score: total })
}

/// The certificate check shared by [`verify`] and the solver's self-check.
fn check(canon: &Canon, p: &Pairing) -> std::result::Result<(), String> {
    let n = canon.n;
    if p.mate.len() != n {
        return Err(format!("mate has {} entries for {n} vertices", p.mate.len()));
    }
    let mut pairs = 0usize;
    let mut total: i128 = 0;
    for (v, m) in p.mate.iter().enumerate() {
        let Some(m) = *m else { continue };
        let u = m as usize;
        if u >= n || u == v || p.mate[u] != Some(v as u32) {
            return Err(format!("mate of vertex {v} is {m}, which is not paired back"));
        }
        if v < u {
            let Some(k) = canon.find(v as u32, m) else {
                return Err(format!("pair {v}-{m} is not an edge"));
            };
            pairs += 1;
            total += i128::from(canon.w[k]);
        }
    }
    if pairs != p.pairs {
        return Err(format!("pairs is {} but the mates form {pairs} pairs", p.pairs));
    }
    if total != i128::from(p.total_score) {
        return Err(format!("total_score is {} but the pairs score {total}", p.total_score));
    }
    let cert = &p.certificate;
    let y = &cert.vertex_dual;
    if y.len() != n {
        return Err(format!("certificate has {} vertex duals for {n} vertices", y.len()));
    }
    for (v, (&yv, m)) in y.iter().zip(&p.mate).enumerate() {
        if yv < 0 {
            return Err(format!("vertex {v} has negative dual {yv}"));
        }
        if yv != 0 && m.is_none() {
            return Err(format!("unpaired vertex {v} has nonzero dual {yv}"));
        }
    }
    let forest = Laminar::build(n, cert, &p.mate)?;
    for k in 0..canon.w.len() {
        let (a, b) = (canon.a[k] as usize, canon.b[k] as usize);
        let cover = i128::from(y[a]) + i128::from(y[b]) + forest.shared(a, b);
        let need = 2 * i128::from(canon.w[k]);
        if cover < need {
            return Err(format!("edge {a}-{b} is not covered: {cover} < {need}"));
        }
        if p.mate[a] == Some(b as u32) && cover != need {
            return Err(format!("paired edge {a}-{b} is not tight: {cover} != {need}"));
        }
    }
    Ok(())
}

/// The blossoms of a certificate as a forest under set inclusion, to sum
/// the duals of the blossoms containing both ends of an edge.
struct Laminar {
    /// Smallest blossom containing each vertex, or `NONE`.
    inner: Vec<u32>,
    parent: Vec<u32>,
    depth: Vec<u32>,
    /// Sum of the duals of a blossom and all blossoms containing it.
    sum: Vec<i128>,
}

impl Laminar {
    fn build(n: usize, cert: &PairCertificate, mate: &[Option<u32>]) -> std::result::Result<Laminar, String> {
        let nb = cert.blossoms.len();
        let mut order: Vec<usize> = (0..nb).collect();
        order.sort_by_key(|&i| cert.blossoms[i].vertices.len());
        let mut inner = vec![NONE; n];
        let mut outer = vec![NONE; n];
        let mut parent = vec![NONE; nb];
        let mut seen = vec![NONE; n];
        let mut count = vec![0usize; nb];
        let mut kids: Vec<u32> = Vec::new();
        for &i in &order {
            let blossom = &cert.blossoms[i];
            let vs = &blossom.vertices;
            if blossom.dual <= 0 {
                return Err(format!("blossom {i} has non-positive dual {}", blossom.dual));
            }
            if vs.len() < 3 || vs.len() % 2 == 0 {
                return Err(format!("blossom {i} has {} vertices, not an odd number >= 3", vs.len()));
            }
            kids.clear();
            let mut inside = 0usize;
            for &v in vs {
                let vu = v as usize;
                if vu >= n || seen[vu] == i as u32 {
                    return Err(format!("blossom {i} lists vertex {v} twice or out of range"));
                }
                seen[vu] = i as u32;
                let c = outer[vu];
                if c != NONE {
                    if count[c as usize] == 0 {
                        kids.push(c);
                    }
                    count[c as usize] += 1;
                }
            }
            for &v in vs {
                if let Some(m) = mate[v as usize]
                    && seen[m as usize] == i as u32
                {
                    inside += 1;
                }
            }
            if inside != vs.len() - 1 {
                return Err(format!(
                    "blossom {i} with positive dual is not full: {} pairs inside, {} needed",
                    inside / 2,
                    vs.len() / 2
                ));
            }
            for &c in &kids {
                let c = c as usize;
                if count[c] != cert.blossoms[c].vertices.len() {
                    return Err(format!("blossoms {c} and {i} overlap without nesting"));
                }
                count[c] = 0;
                parent[c] = i as u32;
            }
            for &v in vs {
                let vu = v as usize;
                if outer[vu] == NONE {
                    inner[vu] = i as u32;
                }
                outer[vu] = i as u32;
            }
        }
        let mut depth = vec![0u32; nb];
        let mut sum = vec![0i128; nb];
        // Largest first, so parents are done before their children.
        for &i in order.iter().rev() {
            let z = i128::from(cert.blossoms[i].dual);
            match parent[i] {
                NONE => sum[i] = z,
                p => {
                    sum[i] = z + sum[p as usize];
                    depth[i] = depth[p as usize] + 1;
                }
            }
        }
        Ok(Laminar { inner, parent, depth, sum })
    }

    /// Sum of the duals of the blossoms containing both `a` and `b`.
    fn shared(&self, a: usize, b: usize) -> i128 {
        let (mut p, mut q) = (self.inner[a], self.inner[b]);
        while p != q {
            if p == NONE || q == NONE {
                return 0;
            }
            if self.depth[p as usize] >= self.depth[q as usize] {
                p = self.parent[p as usize];
            } else {
                q = self.parent[q as usize];
            }
        }
        if p == NONE { 0 } else { self.sum[p as usize] }
    }
}

/// Label of a top-level blossom in the alternating forest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Label {
    /// Not in any tree (paired, waiting to be reached).
    Free,
    /// Outer: even distance from a root; its duals go down.
    Outer,
    /// Inner: odd distance from a root; its duals go up.
    Inner,
}

/// How a vertex dual changes per unit of the clock under a label.
fn rate(label: Label) -> i64 {
    match label {
        Label::Outer => -1,
        Label::Inner => 1,
        Label::Free => 0,
    }
}

/// Monotone priority queue of `(event key, id)` (a radix heap).
///
/// Event keys are clock readings, and no event is ever scheduled before the
/// current clock. A radix heap needs exactly that: no key below the last
/// minimum taken out. Entries sit in bucket `i` when their key first
/// differs from that minimum in bit `i - 1`; a push is `O(1)` and an entry
/// moves to a lower bucket at most 64 times. Most entries go stale before
/// they are due, and dropping them this way is much cheaper than popping
/// them from a binary heap.
///
/// [`min`](Self::min) looks without committing, because the solver only
/// takes from the queue holding the global minimum: committing a larger
/// minimum in another queue would forbid keys the solver may still push.
/// Entries with equal keys come out in an order fixed by the order they
/// went in, so runs are deterministic.
struct EventQueue {
    /// The last minimum committed; no entry is below it.
    last: u64,
    /// Bucket 0 holds keys equal to `last`.
    buckets: Vec<Vec<(u64, u32)>>,
    /// The smallest key, when known.
    cached_min: Option<u64>,
    len: usize,
    /// Set if a key below `last` was ever pushed (an invariant violation).
    underflow: bool,
}

impl Default for EventQueue {
    fn default() -> EventQueue {
        EventQueue { last: 0, buckets: vec![Vec::new(); 65], cached_min: None, len: 0, underflow: false }
    }
}

impl EventQueue {
    fn bucket(&self, key: u64) -> usize {
        (64 - (key ^ self.last).leading_zeros()) as usize
    }

    /// Adds an entry. Keys below the last committed minimum cannot occur
    /// (events are never in the past); one would be clamped rather than
    /// misfiled, and flagged so that the solver reports an error.
    fn push(&mut self, key: i64, id: u32) {
        let raw = key.max(0) as u64;
        self.underflow |= raw < self.last;
        let key = raw.max(self.last);
        let b = self.bucket(key);
        self.buckets[b].push((key, id));
        self.cached_min = self.cached_min.map(|m| m.min(key));
        self.len += 1;
    }

    /// Smallest key, without committing to it.
    fn min(&mut self) -> Option<i64> {
        if !self.buckets[0].is_empty() {
            return Some(self.last as i64);
        }
        if self.cached_min.is_none() {
            let first = self.buckets.iter().find(|b| !b.is_empty())?;
            self.cached_min = first.iter().map(|e| e.0).min();
        }
        self.cached_min.map(|m| m as i64)
    }

    /// Commits to the smallest key: moves its entries into bucket 0.
    fn settle(&mut self) -> bool {
        if !self.buckets[0].is_empty() {
            return true;
        }
        let Some(i) = (1..self.buckets.len()).find(|&i| !self.buckets[i].is_empty()) else {
            return false;
        };
        let mut moving = std::mem::take(&mut self.buckets[i]);
        self.last = moving.iter().map(|e| e.0).min().unwrap_or(self.last);
        for &(key, id) in &moving {
            let b = self.bucket(key);
            self.buckets[b].push((key, id));
        }
        // Give the emptied bucket its allocation back.
        moving.clear();
        if self.buckets[i].is_empty() {
            self.buckets[i] = moving;
        }
        self.cached_min = Some(self.last);
        true
    }

    /// An entry with the smallest key, committing to that key.
    fn first(&mut self) -> Option<(i64, u32)> {
        if !self.settle() {
            return None;
        }
        self.buckets[0].last().map(|&(key, id)| (key as i64, id))
    }

    /// Removes the entry [`first`](Self::first) returned.
    fn pop(&mut self) {
        if self.buckets[0].pop().is_some() {
            self.len -= 1;
            if self.buckets[0].is_empty() {
                self.cached_min = None;
            }
        }
    }

    fn len(&self) -> usize {
        self.len
    }

    fn retain(&mut self, mut keep: impl FnMut(i64, u32) -> bool) {
        for bucket in &mut self.buckets {
            bucket.retain(|&(key, id)| keep(key as i64, id));
        }
        self.len = self.buckets.iter().map(Vec::len).sum();
        self.cached_min = None;
    }
}

/// The state of the blossom algorithm.
///
/// Ids `0..n` are vertices (trivial blossoms), `n..2n` non-trivial
/// blossoms.
///
/// A vertex finds its top-level blossom through a *representative*: when
/// blossoms merge or split, the largest outer part keeps its representative
/// and only the vertices of the other parts are touched, so a big blossom
/// that keeps absorbing small cycles is not rewritten each time.
///
/// Duals are lazy. The true dual of vertex `v` with representative `r` is
/// `y_store[v] + rep_off[r] + rate * clock`, where `rate` is -1 while its
/// top-level blossom is outer, +1 while inner and 0 while unlabeled; a label
/// change adjusts `rep_off` in `O(1)`. The dual of a top-level blossom is
/// `z_store[b]` plus `2 * (clock - since[b])` while outer, minus that while
/// inner; a non-top-level blossom's dual is `z_store[b]`.
struct Solver {
    n: usize,
    max_w: i64,
    ea: Vec<u32>,
    eb: Vec<u32>,
    /// Twice the score, so that all duals stay integral.
    ew2: Vec<i64>,
    adj_start: Vec<u32>,
    adj_to: Vec<u32>,
    adj_edge: Vec<u32>,
    mate: Vec<u32>,
    /// Representative of each vertex.
    rep: Vec<u32>,
    /// Top-level blossom of each representative.
    rep_top: Vec<u32>,
    /// Dual offset of each representative.
    rep_off: Vec<i64>,
    /// Representative of each top-level blossom.
    brep: Vec<u32>,
    free_reps: Vec<u32>,
    /// Number of vertices in each blossom.
    size: Vec<u32>,
    parent: Vec<u32>,
    /// Sub-blossoms of a blossom around its odd cycle, the base's first.
    childs: Vec<Vec<u32>>,
    /// `cycle[b][i] = (x, y)`: the edge from `x` in `childs[i]` to `y` in
    /// `childs[i + 1]` (cyclically); odd `i` are the paired ones.
    cycle: Vec<Vec<(u32, u32)>>,
    base: Vec<u32>,
    label: Vec<Label>,
    /// The edge that labelled a top-level blossom: from a vertex of its
    /// forest parent to a vertex inside it; `NONE` for roots.
    lab_from: Vec<u32>,
    lab_to: Vec<u32>,
    /// Root vertex of the tree of a labelled top-level blossom.
    tree: Vec<u32>,
    /// Clock reading when the blossom dual's current rate started.
    since: Vec<i64>,
    y_store: Vec<i64>,
    z_store: Vec<i64>,
    free_ids: Vec<u32>,
    /// Top-level blossoms labelled into each tree (by root); may hold stale
    /// ids, filtered when the tree is dissolved.
    members: Vec<Vec<u32>>,
    stamp: Vec<u32>,
    now: u32,
    clock: i64,
    unpaired: usize,
    /// Outer vertices whose edges still have to be scanned.
    queue: Vec<u32>,
    /// Outer-unlabeled edges, keyed by twice the clock when they get tight.
    grow_events: EventQueue,
    /// Outer-outer edges, keyed by twice the clock when they get tight.
    shrink_events: EventQueue,
    /// Inner non-trivial blossoms, keyed by twice the clock when their dual hits zero.
    expand_events: EventQueue,
    /// Reusable buffer for lists of leaves.
    buf: Vec<u32>,
    /// Set when an invariant fails; the run stops and reports an error.
    broken: Option<&'static str>,
    /// Events so far: grow, shrink, augment, expand an inner blossom.
    events: [u64; 4],
}

/// Leaves (vertices) of blossom `b`, using `out` as its own work list.
fn collect_leaves(childs: &[Vec<u32>], n: usize, b: u32, out: &mut Vec<u32>) {
    out.clear();
    out.push(b);
    let mut i = 0;
    while i < out.len() {
        let x = out[i] as usize;
        if x >= n {
            out.swap_remove(i);
            out.extend_from_slice(&childs[x]);
        } else {
            i += 1;
        }
    }
}

impl Solver {
    fn new(canon: &Canon) -> Solver {
        let n = canon.n;
        let pos: Vec<usize> = (0..canon.w.len()).filter(|&k| canon.w[k] > 0).collect();
        let ea: Vec<u32> = pos.iter().map(|&k| canon.a[k]).collect();
        let eb: Vec<u32> = pos.iter().map(|&k| canon.b[k]).collect();
        let ew2: Vec<i64> = pos.iter().map(|&k| 2 * canon.w[k]).collect();
        let m = ea.len();
        let mut deg = vec![0u32; n + 1];
        for k in 0..m {
            deg[ea[k] as usize + 1] += 1;
            deg[eb[k] as usize + 1] += 1;
        }
        for v in 0..n {
            deg[v + 1] += deg[v];
        }
        let adj_start = deg.clone();
        let mut fill = deg;
        let mut adj_to = vec![0u32; 2 * m];
        let mut adj_edge = vec![0u32; 2 * m];
        for k in 0..m {
            let (a, b) = (ea[k] as usize, eb[k] as usize);
            adj_to[fill[a] as usize] = b as u32;
            adj_edge[fill[a] as usize] = k as u32;
            fill[a] += 1;
            adj_to[fill[b] as usize] = a as u32;
            adj_edge[fill[b] as usize] = k as u32;
            fill[b] += 1;
        }
        let ids = 2 * n.max(1);
        let max_w = canon.max_w;
        let mut s = Solver {
            n,
            max_w,
            ea,
            eb,
            ew2,
            adj_start,
            adj_to,
            adj_edge,
            mate: vec![NONE; n],
            rep: (0..n as u32).collect(),
            rep_top: (0..n as u32).collect(),
            rep_off: vec![0; n],
            brep: (0..ids as u32).map(|b| if (b as usize) < n { b } else { NONE }).collect(),
            free_reps: Vec::new(),
            size: vec![1; ids],
            parent: vec![NONE; ids],
            childs: vec![Vec::new(); ids],
            cycle: vec![Vec::new(); ids],
            base: (0..ids as u32).collect(),
            label: vec![Label::Free; ids],
            lab_from: vec![NONE; ids],
            lab_to: vec![NONE; ids],
            tree: vec![NONE; ids],
            since: vec![0; ids],
            y_store: vec![max_w; n],
            z_store: vec![0; ids],
            free_ids: (n as u32..ids as u32).rev().collect(),
            members: vec![Vec::new(); n],
            stamp: vec![0; ids],
            now: 0,
            clock: 0,
            unpaired: n,
            queue: Vec::new(),
            grow_events: EventQueue::default(),
            shrink_events: EventQueue::default(),
            expand_events: EventQueue::default(),
            buf: Vec::new(),
            broken: None,
            events: [0; 4],
        };
        // Every vertex starts unpaired, so every vertex roots a tree.
        for v in 0..n {
            s.label[v] = Label::Outer;
            s.tree[v] = v as u32;
            s.members[v].push(v as u32);
        }
        s.queue.extend((0..n as u32).rev());
        s
    }

    fn fail(&mut self, what: &'static str) {
        self.broken.get_or_insert(what);
    }

    /// A fresh mark for `stamp`.
    fn next_stamp(&mut self) -> u32 {
        self.now = self.now.wrapping_add(1);
        if self.now == 0 {
            self.stamp.fill(0);
            self.now = 1;
        }
        self.now
    }

    /// Top-level blossom containing vertex `v`.
    fn top(&self, v: u32) -> u32 {
        self.rep_top[self.rep[v as usize] as usize]
    }

    /// True dual of vertex `v`.
    fn y(&self, v: u32) -> i64 {
        let r = self.rep[v as usize] as usize;
        self.y_store[v as usize] + self.rep_off[r] + rate(self.label[self.rep_top[r] as usize]) * self.clock
    }

    /// True dual of top-level blossom `b`.
    fn z_top(&self, b: u32) -> i64 {
        let b = b as usize;
        self.z_store[b] - 2 * rate(self.label[b]) * (self.clock - self.since[b])
    }

    /// Reduced cost of edge `k` between two different top-level blossoms.
    fn slack(&self, k: u32) -> i64 {
        let k = k as usize;
        self.y(self.ea[k]) + self.y(self.eb[k]) - self.ew2[k]
    }

    /// Changes the label of top-level blossom `b`, keeping every dual's
    /// current value; `O(1)`.
    fn set_label(&mut self, b: u32, label: Label) {
        let bu = b as usize;
        let old = self.label[bu];
        let r = self.brep[bu] as usize;
        self.rep_off[r] += (rate(old) - rate(label)) * self.clock;
        if bu >= self.n {
            self.z_store[bu] = self.z_top(b);
        }
        self.since[bu] = self.clock;
        self.label[bu] = label;
    }

    /// Takes top-level blossom `b` apart: its children become unlabeled
    /// top-level blossoms with unchanged duals, and `b`'s id is released.
    /// The largest child keeps `b`'s representative.
    fn split(&mut self, b: u32) {
        let bu = b as usize;
        let childs = std::mem::take(&mut self.childs[bu]);
        self.cycle[bu].clear();
        let r = self.brep[bu] as usize;
        let offset = self.rep_off[r] + rate(self.label[bu]) * self.clock;
        let Some(&keep) = childs.iter().max_by_key(|&&c| self.size[c as usize]) else {
            self.fail("splitting an empty blossom");
            return;
        };
        let mut buf = std::mem::take(&mut self.buf);
        for &c in &childs {
            let cu = c as usize;
            self.parent[cu] = NONE;
            self.label[cu] = Label::Free;
            self.tree[cu] = NONE;
            self.since[cu] = self.clock;
            if c == keep {
                continue;
            }
            let Some(rc) = self.free_reps.pop() else {
                self.fail("out of representatives");
                return;
            };
            self.rep_off[rc as usize] = 0;
            self.rep_top[rc as usize] = c;
            self.brep[cu] = rc;
            collect_leaves(&self.childs, self.n, c, &mut buf);
            for &v in &buf {
                self.y_store[v as usize] += offset;
                self.rep[v as usize] = rc;
            }
        }
        self.buf = buf;
        self.rep_off[r] = offset;
        self.rep_top[r] = keep;
        self.brep[keep as usize] = r as u32;
        self.brep[bu] = NONE;
        self.childs[bu] = childs;
        self.childs[bu].clear();
        self.free_ids.push(b);
    }

    fn is_top(&self, b: u32) -> bool {
        let bu = b as usize;
        self.parent[bu] == NONE && (bu < self.n || !self.childs[bu].is_empty())
    }

    /// Labels top-level blossom `c` inner in tree `tr`, reached by `from -> to`.
    fn label_inner(&mut self, c: u32, from: u32, to: u32, tr: u32) {
        let cu = c as usize;
        self.set_label(c, Label::Inner);
        self.tree[cu] = tr;
        self.lab_from[cu] = from;
        self.lab_to[cu] = to;
        self.members[tr as usize].push(c);
        if cu >= self.n {
            self.expand_events.push(2 * self.clock + self.z_store[cu], c);
        }
    }

    /// Labels top-level blossom `c` outer in tree `tr`, reached by `from -> to`.
    fn label_outer(&mut self, c: u32, from: u32, to: u32, tr: u32) {
        let cu = c as usize;
        self.set_label(c, Label::Outer);
        self.tree[cu] = tr;
        self.lab_from[cu] = from;
        self.lab_to[cu] = to;
        self.members[tr as usize].push(c);
        let mut buf = std::mem::take(&mut self.buf);
        collect_leaves(&self.childs, self.n, c, &mut buf);
        self.queue.extend_from_slice(&buf);
        self.buf = buf;
    }

    /// Tight edge from outer `s` to unlabeled `w`: `w`'s blossom becomes
    /// inner, and the blossom paired with its base becomes outer.
    fn grow(&mut self, s: u32, w: u32) {
        self.events[0] += 1;
        let bw = self.top(w);
        let tr = self.tree[self.top(s) as usize];
        self.label_inner(bw, s, w, tr);
        let b = self.base[bw as usize];
        let m = self.mate[b as usize];
        if m == NONE {
            self.fail("unlabeled blossom with an unpaired base");
            return;
        }
        let bm = self.top(m);
        if self.label[bm as usize] != Label::Free {
            self.fail("partner of an unlabeled blossom is labelled");
            return;
        }
        self.label_outer(bm, b, m, tr);
    }

    /// Tight edge between outer vertices `v` and `w` of different blossoms.
    fn tight_outer(&mut self, v: u32, w: u32) {
        let tv = self.tree[self.top(v) as usize];
        let tw = self.tree[self.top(w) as usize];
        if tv == tw {
            self.shrink(v, w);
        } else {
            self.augment(v, w);
            self.dissolve(tv, tw);
        }
    }

    /// Next blossom up the tree from top-level blossom `b`.
    fn up(&self, b: u32) -> u32 {
        if b == NONE {
            return NONE;
        }
        match self.lab_from[b as usize] {
            NONE => NONE,
            f => self.top(f),
        }
    }

    /// Shrinks the odd cycle closed by tight edge `v`-`w` (same tree) into
    /// a new outer blossom.
    fn shrink(&mut self, v: u32, w: u32) {
        self.events[1] += 1;
        let (bv, bw) = (self.top(v), self.top(w));
        let mark = self.next_stamp();
        // Walk up from both sides in turn; the first blossom seen twice is
        // the nearest common ancestor, which holds the new base.
        let (mut p, mut q) = (bv, bw);
        let lca = loop {
            if p != NONE {
                if self.stamp[p as usize] == mark {
                    break p;
                }
                self.stamp[p as usize] = mark;
                p = self.up(self.up(p));
            }
            if q != NONE {
                std::mem::swap(&mut p, &mut q);
            } else if p == NONE {
                self.fail("no common ancestor in one tree");
                return;
            }
        };
        let Some(nb) = self.free_ids.pop() else {
            self.fail("out of blossom ids");
            return;
        };
        let mut childs = vec![lca];
        let mut cycle = Vec::new();
        let mut side = Vec::new();
        let mut x = bv;
        while x != lca {
            if x == NONE {
                self.fail("blossom path does not reach its base");
                return;
            }
            side.push(x);
            x = self.up(x);
        }
        for &c in side.iter().rev() {
            childs.push(c);
            cycle.push((self.lab_from[c as usize], self.lab_to[c as usize]));
        }
        cycle.push((v, w));
        let mut x = bw;
        while x != lca {
            if x == NONE {
                self.fail("blossom path does not reach its base");
                return;
            }
            childs.push(x);
            cycle.push((self.lab_to[x as usize], self.lab_from[x as usize]));
            x = self.up(x);
        }
        // The largest outer child (the base child is outer, so there is
        // one) keeps its representative and its vertices stay untouched;
        // outer vertices keep their dual rate, so its offset is unchanged.
        let keep = childs
            .iter()
            .copied()
            .filter(|&c| self.label[c as usize] == Label::Outer)
            .max_by_key(|&c| self.size[c as usize])
            .unwrap_or(lca);
        let r = self.brep[keep as usize];
        let keep_off = self.rep_off[r as usize];
        let mut size = 0;
        let mut buf = std::mem::take(&mut self.buf);
        for &c in &childs {
            let cu = c as usize;
            size += self.size[cu];
            if cu >= self.n {
                self.z_store[cu] = self.z_top(c);
            }
            self.since[cu] = self.clock;
            self.parent[cu] = nb;
            if c == keep {
                continue;
            }
            let rc = self.brep[cu];
            // Current dual minus what the new blossom's formula adds.
            let shift = self.rep_off[rc as usize] + rate(self.label[cu]) * self.clock - keep_off + self.clock;
            let inner = self.label[cu] == Label::Inner;
            collect_leaves(&self.childs, self.n, c, &mut buf);
            for &u in &buf {
                self.y_store[u as usize] += shift;
                self.rep[u as usize] = r;
            }
            // Inner vertices become outer and must have their edges scanned.
            if inner {
                self.queue.extend_from_slice(&buf);
            }
            self.brep[cu] = NONE;
            self.free_reps.push(rc);
        }
        self.buf = buf;
        let nbu = nb as usize;
        let lu = lca as usize;
        self.rep_top[r as usize] = nb;
        self.brep[nbu] = r;
        self.size[nbu] = size;
        self.childs[nbu] = childs;
        self.cycle[nbu] = cycle;
        self.parent[nbu] = NONE;
        self.base[nbu] = self.base[lu];
        self.label[nbu] = Label::Outer;
        self.lab_from[nbu] = self.lab_from[lu];
        self.lab_to[nbu] = self.lab_to[lu];
        self.tree[nbu] = self.tree[lu];
        self.since[nbu] = self.clock;
        self.z_store[nbu] = 0;
        let tr = self.tree[lu];
        self.members[tr as usize].push(nb);
    }

    /// Pairs `v`-`w` and flips the two tree paths from them to their roots.
    fn augment(&mut self, v: u32, w: u32) {
        self.events[2] += 1;
        for (s0, j0) in [(v, w), (w, v)] {
            let (mut s, mut j) = (s0, j0);
            loop {
                let bs = self.top(s);
                if bs as usize >= self.n {
                    self.rebase(bs, s);
                }
                self.mate[s as usize] = j;
                let t = self.lab_from[bs as usize];
                if t == NONE {
                    break;
                }
                let bt = self.top(t);
                let (s2, j2) = (self.lab_from[bt as usize], self.lab_to[bt as usize]);
                if bt as usize >= self.n {
                    self.rebase(bt, j2);
                }
                self.mate[j2 as usize] = s2;
                s = s2;
                j = j2;
            }
        }
        self.unpaired -= 2;
    }

    /// Makes vertex `v` the base of blossom `b`, re-pairing inside it.
    ///
    /// The per-blossom steps are independent of each other, so a work
    /// list replaces recursion (nesting can be deep).
    fn rebase(&mut self, b: u32, v: u32) {
        let n = self.n;
        let mut work = vec![(b, v)];
        while let Some((b, v)) = work.pop() {
            let bu = b as usize;
            let mut t = v;
            while self.parent[t as usize] != b {
                t = self.parent[t as usize];
                if t == NONE {
                    self.fail("vertex not inside the blossom to rebase");
                    return;
                }
            }
            if t as usize >= n {
                work.push((t, v));
            }
            let k = self.childs[bu].len();
            let Some(i) = self.childs[bu].iter().position(|&c| c == t) else {
                self.fail("child missing from its blossom");
                return;
            };
            // The even-length way round from child i to the base flips:
            // its unpaired edges become paired.
            let flip: Vec<usize> = if i % 2 == 1 {
                (i + 1..k).step_by(2).collect()
            } else {
                (0..i.saturating_sub(1)).step_by(2).collect()
            };
            for e in flip {
                let (x, y) = self.cycle[bu][e];
                let (cx, cy) = (self.childs[bu][e], self.childs[bu][(e + 1) % k]);
                self.mate[x as usize] = y;
                self.mate[y as usize] = x;
                if cx as usize >= n {
                    work.push((cx, x));
                }
                if cy as usize >= n {
                    work.push((cy, y));
                }
            }
            self.childs[bu].rotate_left(i);
            self.cycle[bu].rotate_left(i);
            self.base[bu] = v;
        }
    }

    /// After an augmentation: the trees rooted at `r1` and `r2` lose their
    /// labels; their blossoms with zero dual are taken apart, and edges from
    /// the remaining trees to the freed vertices become growth candidates.
    fn dissolve(&mut self, r1: u32, r2: u32) {
        let mark = self.next_stamp();
        let mut work = Vec::new();
        for r in [r1, r2] {
            let list = std::mem::take(&mut self.members[r as usize]);
            for b in list {
                let bu = b as usize;
                if self.stamp[bu] == mark || !self.is_top(b) || self.label[bu] == Label::Free || self.tree[bu] != r {
                    continue;
                }
                self.stamp[bu] = mark;
                self.set_label(b, Label::Free);
                self.tree[bu] = NONE;
                work.push(b);
            }
        }
        // Blossoms with zero dual are no longer needed; taking them apart
        // (through all nested zero-dual levels) keeps blossoms small.
        let mut tops = Vec::new();
        while let Some(b) = work.pop() {
            let bu = b as usize;
            if bu >= self.n && self.z_store[bu] == 0 {
                work.extend_from_slice(&self.childs[bu]);
                self.split(b);
            } else {
                tops.push(b);
            }
        }
        for b in tops {
            self.offer_unlabeled(b);
        }
    }

    /// Queues the edges from unlabeled blossom `b` to outer vertices.
    fn offer_unlabeled(&mut self, b: u32) {
        let mut buf = std::mem::take(&mut self.buf);
        collect_leaves(&self.childs, self.n, b, &mut buf);
        for &v in &buf {
            let yv = self.y(v);
            let (lo, hi) = (self.adj_start[v as usize], self.adj_start[v as usize + 1]);
            for i in lo as usize..hi as usize {
                let w = self.adj_to[i];
                let bw = self.top(w);
                if self.label[bw as usize] == Label::Outer {
                    let k = self.adj_edge[i];
                    let slack = yv + self.y(w) - self.ew2[k as usize];
                    self.grow_events.push(2 * self.clock + 2 * slack, k);
                }
            }
        }
        self.buf = buf;
    }

    /// Inner blossom `b` reached dual zero: replace it by its sub-blossoms,
    /// keeping the even path from the entry child to the base in the tree.
    fn expand(&mut self, b: u32) {
        self.events[3] += 1;
        let bu = b as usize;
        if self.z_top(b) != 0 {
            self.fail("expanding a blossom with nonzero dual");
            return;
        }
        let entry = self.lab_to[bu];
        let mut t = entry;
        while t != NONE && self.parent[t as usize] != b {
            t = self.parent[t as usize];
        }
        let childs = self.childs[bu].clone();
        let cycle = self.cycle[bu].clone();
        let Some(j) = childs.iter().position(|&c| c == t) else {
            self.fail("entry child missing from its blossom");
            return;
        };
        let (tr, from) = (self.tree[bu], self.lab_from[bu]);
        self.split(b);
        let k = childs.len();
        let mut on_path = vec![false; k];
        self.label_inner(childs[j], from, entry, tr);
        on_path[j] = true;
        if j % 2 == 0 {
            // Backwards: c_j, c_{j-1}, ..., c_0 (cycle[i] joins c_i, c_{i+1}).
            let mut i = j;
            while i > 0 {
                let (x, y) = cycle[i - 1];
                self.label_outer(childs[i - 1], y, x, tr);
                let (x2, y2) = cycle[i - 2];
                self.label_inner(childs[i - 2], y2, x2, tr);
                on_path[i - 1] = true;
                on_path[i - 2] = true;
                i -= 2;
            }
        } else {
            // Forwards: c_j, c_{j+1}, ..., c_{k-1}, c_0.
            let mut i = j;
            while i < k {
                let (x, y) = cycle[i];
                self.label_outer(childs[i + 1], x, y, tr);
                let (x2, y2) = cycle[i + 1];
                self.label_inner(childs[(i + 2) % k], x2, y2, tr);
                on_path[i + 1] = true;
                on_path[(i + 2) % k] = true;
                i += 2;
            }
        }
        for (i, &c) in childs.iter().enumerate() {
            if !on_path[i] {
                self.offer_unlabeled(c);
            }
        }
    }

    /// Looks at every edge of outer vertex `v`: acts on tight ones and
    /// queues the others as future events.
    fn scan(&mut self, v: u32) {
        let (lo, hi) = (self.adj_start[v as usize], self.adj_start[v as usize + 1]);
        for i in lo as usize..hi as usize {
            let bv = self.top(v);
            if self.label[bv as usize] != Label::Outer || self.broken.is_some() {
                return;
            }
            let w = self.adj_to[i];
            let bw = self.top(w);
            if bw == bv {
                continue;
            }
            let k = self.adj_edge[i];
            match self.label[bw as usize] {
                Label::Inner => {}
                Label::Free => {
                    let slack = self.slack(k);
                    if slack <= 0 {
                        self.grow(v, w);
                    } else {
                        self.grow_events.push(2 * self.clock + 2 * slack, k);
                    }
                }
                Label::Outer => {
                    let slack = self.slack(k);
                    if slack <= 0 {
                        self.tight_outer(v, w);
                    } else {
                        self.shrink_events.push(2 * self.clock + slack, k);
                    }
                }
            }
        }
    }

    /// Whether a grow-queue entry still describes an outer-unlabeled edge.
    fn grow_valid(&self, key: i64, k: u32) -> bool {
        let (la, lb) =
            (self.label[self.top(self.ea[k as usize]) as usize], self.label[self.top(self.eb[k as usize]) as usize]);
        let mixed = matches!((la, lb), (Label::Outer, Label::Free) | (Label::Free, Label::Outer));
        mixed && key == 2 * self.clock + 2 * self.slack(k)
    }

    /// Whether a shrink-queue entry still describes an outer-outer edge.
    fn shrink_valid(&self, key: i64, k: u32) -> bool {
        let (ta, tb) = (self.top(self.ea[k as usize]), self.top(self.eb[k as usize]));
        ta != tb
            && self.label[ta as usize] == Label::Outer
            && self.label[tb as usize] == Label::Outer
            && key == 2 * self.clock + self.slack(k)
    }

    /// Whether an expand-queue entry still describes an inner blossom.
    fn expand_valid(&self, key: i64, b: u32) -> bool {
        self.is_top(b) && self.label[b as usize] == Label::Inner && key == 2 * self.clock + self.z_top(b)
    }

    /// Drops stale entries once they outnumber the live ones by far.
    fn compact(&mut self) {
        let limit = 4 * self.ea.len() + 4096;
        if self.grow_events.len() > limit {
            let mut h = std::mem::take(&mut self.grow_events);
            h.retain(|key, k| self.grow_valid(key, k));
            self.grow_events = h;
        }
        if self.shrink_events.len() > limit {
            let mut h = std::mem::take(&mut self.shrink_events);
            h.retain(|key, k| self.shrink_valid(key, k));
            self.shrink_events = h;
        }
        if self.expand_events.len() > limit {
            let mut h = std::mem::take(&mut self.expand_events);
            h.retain(|key, b| self.expand_valid(key, b));
            self.expand_events = h;
        }
    }

    fn run(&mut self) {
        self.run_events();
        if self.grow_events.underflow || self.shrink_events.underflow || self.expand_events.underflow {
            self.fail("event scheduled in the past");
        }
    }

    fn run_events(&mut self) {
        loop {
            while let Some(v) = self.queue.pop() {
                if self.broken.is_some() {
                    return;
                }
                if self.label[self.top(v) as usize] == Label::Outer {
                    self.scan(v);
                }
            }
            if self.unpaired == 0 || self.broken.is_some() {
                return;
            }
            // Event 1 (the unpaired vertices' common dual reaches zero)
            // wins ties, then grow, shrink, expand.
            let mut best = 2 * self.max_w;
            let mut kind = 1;
            for (k, queue) in [(2, &mut self.grow_events), (3, &mut self.shrink_events), (4, &mut self.expand_events)] {
                if let Some(key) = queue.min()
                    && key < best
                {
                    (best, kind) = (key, k);
                }
            }
            let queue = match kind {
                2 => &mut self.grow_events,
                3 => &mut self.shrink_events,
                4 => &mut self.expand_events,
                _ => {
                    self.clock = self.max_w;
                    return;
                }
            };
            // `best` is the smallest key anywhere, so committing to it is safe.
            let Some((key, id)) = queue.first() else {
                self.fail("event queue lost its minimum");
                return;
            };
            queue.pop();
            let valid = match kind {
                2 => self.grow_valid(key, id),
                3 => self.shrink_valid(key, id),
                _ => self.expand_valid(key, id),
            };
            if !valid {
                continue;
            }
            if key % 2 != 0 || key < 2 * self.clock {
                self.fail("dual step is not a non-negative integer");
                return;
            }
            self.clock = key / 2;
            match kind {
                2 => {
                    let (a, b) = (self.ea[id as usize], self.eb[id as usize]);
                    if self.label[self.top(a) as usize] == Label::Outer {
                        self.grow(a, b);
                    } else {
                        self.grow(b, a);
                    }
                }
                3 => self.tight_outer(self.ea[id as usize], self.eb[id as usize]),
                _ => self.expand(id),
            }
            self.compact();
        }
    }

    /// Writes out all lazy duals and builds the result.
    fn finish(mut self) -> Pairing {
        let n = self.n;
        for v in 0..n as u32 {
            self.y_store[v as usize] = self.y(v);
        }
        for b in n as u32..self.childs.len() as u32 {
            if self.is_top(b) {
                self.z_store[b as usize] = self.z_top(b);
            }
        }
        let mut blossoms = Vec::new();
        let mut buf = Vec::new();
        for b in n..self.childs.len() {
            if !self.childs[b].is_empty() && self.z_store[b] > 0 {
                collect_leaves(&self.childs, n, b as u32, &mut buf);
                buf.sort_unstable();
                blossoms.push(PairBlossom { vertices: buf.clone(), dual: self.z_store[b] });
            }
        }
        blossoms.sort_by(|x, y| x.vertices.cmp(&y.vertices));
        let mut mate = vec![None; n];
        let (mut pairs, mut total) = (0usize, 0i64);
        for (v, slot) in mate.iter_mut().enumerate() {
            let m = self.mate[v];
            if m != NONE {
                *slot = Some(m);
                if (v as u32) < m {
                    pairs += 1;
                }
            }
        }
        // Scores come from the doubled weights of the paired edges.
        for k in 0..self.ea.len() {
            if self.mate[self.ea[k] as usize] == self.eb[k] {
                total += self.ew2[k] / 2;
            }
        }
        Pairing {
            mate,
            pairs,
            total_score: total,
            certificate: PairCertificate { vertex_dual: self.y_store, blossoms },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn e(a: u32, b: u32, score: i64) -> PairEdge {
        PairEdge { a, b, score }
    }

    fn problem(n: usize, edges: &[(u32, u32, i64)]) -> PairProblem {
        PairProblem { n, edges: edges.iter().map(|&(a, b, s)| e(a, b, s)).collect() }
    }

    /// Best total over all matchings, by trying every edge subset that is
    /// a matching (branch on the lowest unmatched vertex).
    fn brute_force(p: &PairProblem) -> i64 {
        let mut w = vec![vec![None; p.n]; p.n];
        for x in &p.edges {
            w[x.a as usize][x.b as usize] = Some(x.score);
            w[x.b as usize][x.a as usize] = Some(x.score);
        }
        fn go(v: usize, used: &mut Vec<bool>, w: &[Vec<Option<i64>>]) -> i64 {
            let n = used.len();
            let Some(v) = (v..n).find(|&u| !used[u]) else { return 0 };
            used[v] = true;
            let mut best = go(v + 1, used, w);
            for u in v + 1..n {
                if let (false, Some(s)) = (used[u], w[v][u]) {
                    used[u] = true;
                    best = best.max(s + go(v + 1, used, w));
                    used[u] = false;
                }
            }
            used[v] = false;
            best
        }
        go(0, &mut vec![false; p.n], &w)
    }

    /// Event counts (grow, shrink, augment, expand) of a solve.
    fn events(p: &PairProblem) -> [u64; 4] {
        let canon = canonical(p).unwrap();
        let mut solver = Solver::new(&canon);
        solver.run();
        assert!(solver.broken.is_none());
        solver.events
    }

    fn solve_checked(p: &PairProblem) -> Pairing {
        let r = max_weight_pairing(p).expect("solver refused a valid problem");
        verify(p, &r).expect("certificate rejected");
        r
    }

    #[test]
    fn doc_example_needs_a_blossom() {
        let p = problem(4, &[(0, 1, 10), (1, 2, 8), (0, 2, 9), (1, 3, 7)]);
        let r = solve_checked(&p);
        assert_eq!(r.total_score, 16);
        assert_eq!(r.pairs, 2);
    }

    #[test]
    fn empty_and_trivial() {
        let r = solve_checked(&problem(0, &[]));
        assert_eq!((r.pairs, r.total_score), (0, 0));
        let r = solve_checked(&problem(3, &[]));
        assert_eq!(r.mate, vec![None; 3]);
        let r = solve_checked(&problem(2, &[(0, 1, -5)]));
        assert_eq!(r.mate, vec![None, None]);
        let r = solve_checked(&problem(2, &[(1, 0, 0)]));
        assert_eq!(r.pairs, 0);
        let r = solve_checked(&problem(2, &[(1, 0, 3)]));
        assert_eq!(r.mate, vec![Some(1), Some(0)]);
    }

    #[test]
    fn odd_cycle_with_pendants() {
        // Pentagon 0..4 with pendants: the optimum uses the pendant edges of
        // three cycle vertices and one cycle edge.
        let p = problem(8, &[(0, 1, 8), (1, 2, 8), (2, 3, 8), (3, 4, 8), (4, 0, 8), (0, 5, 5), (2, 6, 5), (3, 7, 6)]);
        let r = solve_checked(&p);
        assert_eq!(r.total_score, brute_force(&p));
    }

    #[test]
    fn nested_blossom_is_expanded() {
        // Classic instances where an inner blossom must be expanded and
        // blossoms nest (weights chosen so that the triangles shrink first).
        type Case = (usize, Vec<(u32, u32, i64)>);
        let cases: Vec<Case> = vec![
            (6, vec![(0, 1, 9), (0, 2, 8), (1, 2, 10), (0, 3, 5), (3, 4, 4), (0, 5, 3)]),
            (8, vec![(0, 1, 23), (0, 4, 22), (0, 5, 15), (1, 2, 25), (2, 3, 22), (3, 4, 25), (3, 7, 14), (4, 6, 13)]),
            (8, vec![(0, 1, 19), (0, 2, 20), (0, 7, 8), (1, 2, 25), (1, 3, 18), (2, 4, 18), (3, 4, 13), (4, 6, 7)]),
            (
                10,
                vec![
                    (0, 1, 45),
                    (0, 4, 45),
                    (1, 2, 50),
                    (2, 3, 45),
                    (3, 4, 50),
                    (0, 5, 30),
                    (2, 8, 35),
                    (3, 7, 35),
                    (4, 6, 26),
                    (8, 9, 5),
                ],
            ),
            (
                10,
                vec![
                    (0, 1, 45),
                    (0, 4, 45),
                    (1, 2, 50),
                    (2, 3, 45),
                    (3, 4, 50),
                    (0, 5, 30),
                    (2, 8, 35),
                    (3, 7, 26),
                    (4, 6, 40),
                    (8, 9, 5),
                ],
            ),
            (
                10,
                vec![
                    (0, 1, 40),
                    (0, 2, 40),
                    (1, 2, 60),
                    (1, 3, 55),
                    (2, 4, 55),
                    (3, 4, 50),
                    (0, 7, 15),
                    (4, 6, 30),
                    (3, 5, 10),
                    (7, 8, 10),
                    (3, 9, 5),
                ],
            ),
        ];
        for (n, edges) in cases {
            let p = problem(n, &edges);
            let r = solve_checked(&p);
            assert_eq!(r.total_score, brute_force(&p), "instance {edges:?}");
        }
    }

    #[test]
    fn nested_blossoms_in_certificate() {
        let p = problem(
            9,
            &[
                (0, 1, 14),
                (0, 2, 3),
                (0, 6, 19),
                (0, 7, 3),
                (1, 2, 19),
                (1, 5, 16),
                (1, 7, 0),
                (2, 4, 16),
                (2, 6, 15),
                (2, 7, 0),
                (3, 4, 12),
                (3, 5, 15),
                (3, 6, 5),
                (4, 5, 15),
                (5, 6, 3),
                (5, 7, 2),
                (6, 8, 16),
            ],
        );
        let r = solve_checked(&p);
        assert_eq!(r.total_score, brute_force(&p));
        let sets: Vec<&Vec<u32>> = r.certificate.blossoms.iter().map(|b| &b.vertices).collect();
        assert_eq!(sets, [&vec![1, 2, 3, 4, 5], &vec![3, 4, 5]]);
    }

    /// Many seeded dense small graphs: optimal every time, and between them
    /// they exercise inner-blossom expansion and nested blossoms, so the
    /// property tests below are not passing on easy cases only.
    #[test]
    fn seeded_small_graphs_cover_expansion_and_nesting() {
        let (mut expansions, mut nested) = (0, 0);
        for seed in 0..3000u64 {
            let n = 6 + (seed % 5) as usize;
            let mut p = random_problem(n, n * (n - 1) / 4, 20, seed);
            for x in p.edges.iter_mut().step_by(7) {
                x.score -= 10;
            }
            let r = solve_checked(&p);
            assert_eq!(r.total_score, brute_force(&p), "seed {seed}");
            expansions += events(&p)[3];
            let bl = &r.certificate.blossoms;
            nested += bl
                .iter()
                .filter(|x| {
                    bl.iter().any(|y| {
                        y.vertices.len() > x.vertices.len() && x.vertices.iter().all(|v| y.vertices.contains(v))
                    })
                })
                .count();
        }
        eprintln!("expansions {expansions}, nested {nested}");
        assert!(expansions > 10 && nested > 10, "expansions {expansions}, nested {nested}");
    }

    #[test]
    fn refuses_bad_input() {
        let cases = [
            (problem(2, &[(0, 2, 1)]), "out of range"),
            (problem(2, &[(1, 1, 1)]), "self-loop"),
            (problem(3, &[(0, 1, 1), (1, 0, 2)]), "duplicate edge 0-1"),
            (problem(3, &[(0, 1, i64::MAX / 4)]), "overflow"),
        ];
        for (p, what) in cases {
            let err = max_weight_pairing(&p).expect_err("accepted bad input").to_string();
            assert!(err.starts_with("pair: ") && err.contains(what), "{err}");
            assert!(greedy_pairing(&p).is_err());
        }
    }

    #[test]
    fn verify_rejects_wrong_results() {
        let p = problem(4, &[(0, 1, 10), (1, 2, 8), (0, 2, 9), (1, 3, 7)]);
        let good = solve_checked(&p);
        let mut bad = good.clone();
        bad.total_score += 1;
        assert!(verify(&p, &bad).is_err());
        // The greedy pairing with the optimal duals is not tight.
        let mut bad = good.clone();
        bad.mate = vec![Some(1), Some(0), None, None];
        bad.pairs = 1;
        bad.total_score = 10;
        assert!(verify(&p, &bad).is_err());
        let mut bad = good.clone();
        bad.certificate.vertex_dual[0] -= 1;
        assert!(verify(&p, &bad).is_err());
    }

    #[test]
    fn greedy_is_heaviest_first() {
        let p = problem(4, &[(0, 1, 10), (1, 2, 8), (0, 2, 9), (1, 3, 7)]);
        let g = greedy_pairing(&p).unwrap();
        assert_eq!((g.pairs, g.total_score), (1, 10));
        // Ties by (a, b): 0-1 before 1-2.
        let p = problem(3, &[(2, 1, 5), (1, 0, 5)]);
        assert_eq!(greedy_pairing(&p).unwrap().mate, vec![Some(1), Some(0), None]);
    }

    /// A deterministic sparse instance (splitmix64), for larger checks.
    fn random_problem(n: usize, m: usize, max_score: u64, seed: u64) -> PairProblem {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = state;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        let mut seen = std::collections::HashSet::new();
        let mut edges = Vec::new();
        while edges.len() < m {
            let (a, b, w) = (next() % n as u64, next() % n as u64, next() % max_score);
            if a != b && seen.insert((a.min(b), a.max(b))) {
                edges.push(e(a as u32, b as u32, w as i64));
            }
        }
        PairProblem { n, edges }
    }

    #[test]
    fn medium_random_graphs_verify_and_beat_greedy() {
        for (n, m, seed) in [(200, 1000, 1), (500, 1500, 2), (1000, 5000, 3), (300, 3000, 4)] {
            for max_score in [3, 1000] {
                let p = random_problem(n, m, max_score, seed);
                let r = solve_checked(&p);
                let g = greedy_pairing(&p).unwrap();
                assert!(r.total_score >= g.total_score);
                assert!(2 * g.total_score >= r.total_score);
            }
        }
    }

    #[test]
    fn order_and_orientation_do_not_matter() {
        let p = random_problem(300, 1200, 20, 9);
        let r = max_weight_pairing(&p).unwrap();
        let mut q = p.clone();
        q.edges.reverse();
        for (i, x) in q.edges.iter_mut().enumerate() {
            if i % 3 == 0 {
                std::mem::swap(&mut x.a, &mut x.b);
            }
        }
        assert_eq!(max_weight_pairing(&q).unwrap(), r);
    }

    fn small_problem() -> impl Strategy<Value = PairProblem> {
        (1usize..=8).prop_flat_map(|n| {
            let pairs: Vec<(u32, u32)> = (0..n as u32).flat_map(|a| (a + 1..n as u32).map(move |b| (a, b))).collect();
            let k = pairs.len();
            (Just(n), proptest::collection::vec((any::<bool>(), -5i64..30, any::<bool>()), k), Just(pairs)).prop_map(
                |(n, picks, pairs)| {
                    let edges = picks
                        .iter()
                        .zip(&pairs)
                        .filter(|(pick, _)| pick.0)
                        .map(|(&(_, s, flip), &(a, b))| if flip { e(b, a, s) } else { e(a, b, s) })
                        .collect();
                    PairProblem { n, edges }
                },
            )
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn optimal_on_small_graphs(p in small_problem()) {
            let r = max_weight_pairing(&p).unwrap();
            prop_assert!(verify(&p, &r).is_ok(), "{:?}", verify(&p, &r));
            prop_assert_eq!(r.total_score, brute_force(&p));
            let g = greedy_pairing(&p).unwrap();
            prop_assert!(g.total_score <= r.total_score);
        }

        #[test]
        fn optimal_with_few_distinct_scores(p in small_problem().prop_map(|mut p| {
            // Many ties stress zero-length dual steps and blossom expansion.
            for x in &mut p.edges { x.score = x.score.rem_euclid(3) * 2; }
            p
        })) {
            let r = max_weight_pairing(&p).unwrap();
            prop_assert!(verify(&p, &r).is_ok());
            prop_assert_eq!(r.total_score, brute_force(&p));
        }
    }
}
