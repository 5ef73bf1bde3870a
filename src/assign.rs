//! Exact maximum-weight assignment of mentees to mentors with capacities.
//!
//! # Problem
//!
//! A bipartite *b-matching*: [`AssignProblem::n_mentees`] mentees, mentors with
//! integer capacities ([`AssignProblem::capacities`], 0 allowed) and a sparse list
//! of candidate [`Edge`]s, each with an integer score (negative and zero
//! allowed). An assignment gives each mentee at most one mentor along one of
//! its edges and each mentor at most its capacity of mentees.
//!
//! # What optimal means
//!
//! * Default ([`AssignOptions::max_matched`] `== false`): the total score of the
//!   used edges is as large as possible. Leaving a mentee unmatched is allowed,
//!   so an edge with a negative score is never used.
//! * `max_matched`: the number of matched mentees is as large as possible and,
//!   among assignments matching that many, the total score is as large as
//!   possible (lexicographic, exact). It is solved as the default problem on
//!   scores `score + bonus`, with `bonus = U - L + 1` where `U` (`L`) is the sum
//!   over mentees of their largest positive (smallest negative) score: one more
//!   matched mentee is then worth more than any difference in total score.
//!
//! # Certificate
//!
//! Every [`Assignment`] carries dual prices ([`Certificate`]) of the linear
//! program `max Σ w·x` subject to `Σ_j x_ij ≤ 1`, `Σ_i x_ij ≤ cap_j`, `x ≥ 0`,
//! whose constraint matrix is totally unimodular, so its optimum is attained by
//! an assignment. With `w = score + bonus`: mentee values `u_i ≥ 0`, mentor
//! prices `p_j ≥ 0`, `u_i + p_j ≥ w_ij` on every edge, with equality on used
//! edges, `u_i = 0` for unmatched mentees and `p_j = 0` for mentors below
//! capacity. These are the complementary slackness conditions, so they prove
//! the assignment optimal; [`verify`] checks them (and feasibility and the
//! reported totals) with exact integer arithmetic.
//!
//! # Algorithm
//!
//! Successive shortest augmenting paths, one mentee at a time (the incremental
//! Hungarian method): once the mentees entered so far are placed optimally
//! with a certificate, the next mentee `i` enters with value `u_i = max(0, max_j w_ij - p_j)`,
//! and one Dijkstra search on reduced costs `u_i + p_j - w_ij ≥ 0` finds the
//! best of: staying unmatched, an alternating path ending at a mentor with a
//! free place, or an alternating path that ends by unmatching some mentee.
//! The search runs over mentor nodes only: a matched mentee is a pass-through
//! from its mentor to its other edges, so heap entries are mentors. A mentor
//! with a free place is never queued: reaching it sets the best option at
//! once, and the search stops as soon as the smallest queued label reaches the
//! best option. Each matched mentee keeps a lower bound on its cheapest
//! detour (prices only rise, so the bound stays valid until it moves), which
//! lets a search skip mentees that cannot beat the best option. Each
//! mentee's edges are kept best weight first and prices are never negative,
//! so the scan of a row stops at the first edge that could not beat the best
//! option even to a mentor priced 0 (in shortlists' first round at national
//! scale, that scans a third fewer edges). Before scanning a settled mentor's
//! seats, the search reads the first edge of every row it may scan, so that
//! their cache misses overlap rather than come one seat at a time (about a
//! tenth of the solve at that scale). Prices of the mentors the search
//! settled are then raised by their gap to the best option, which keeps the
//! reduced costs non-negative and makes the new path tight. Mentees with the
//! largest scores enter first: a search never goes further than what the
//! entering mentee can gain, so the small gains, which come last, stay cheap.
//!
//! # One mentee at a time
//!
//! [`IncrementalAssign`] exposes the same method for mentees that arrive as
//! a stream: each one entered is placed at once and the assignment of all
//! entered so far stays optimal, so a caller can solve while it is still
//! producing the rows (shortlists' first round runs alongside the candidate
//! search this way). Mentees then enter in the caller's order rather than
//! largest score first, and the `max_matched` bonus comes from bounds given
//! up front.
//!
//! # Complexity
//!
//! Canonical ordering of the edges is `O(E + n + m)` plus small per-mentee
//! sorts. Each mentee costs one early-stopped Dijkstra search; in the worst
//! case that settles every mentor and scans every edge of every matched
//! mentee, so the bound is `O(n · E · log E)` time and `O(E + n + m)` memory
//! for `n` mentees, `m` mentors and `E` edges. In practice a search settles
//! few mentors: on 300,000 mentees with 40 random edges each, 5,000 mentors
//! and 20% spare capacity, searches settle about 0.3 mentors on average and
//! the solve takes about a second, most of it ordering the 12M edges.
//! Tight capacities (every mentor full, many mentees left over) make paths
//! longer and searches wider: with 100,000 mentees, 2,000 mentors, 10 edges
//! each and places for 80% of the mentees, the solve takes about a second.
//!
//! # Determinism and ties
//!
//! Edges are first put in canonical order (by mentee, then best score
//! first, ties by mentor), so the result depends only on the set of edges,
//! never on their order in [`AssignProblem::edges`]. Mentees enter in order
//! of decreasing largest score, ties by index; the heap breaks label ties by
//! the lower mentor index; an option replaces the best found so far
//! only when strictly better, and a mentee whose best gain is zero stays
//! unmatched. Among several optimal assignments the one returned is therefore
//! fixed, but not otherwise characterised.
//!
//! # Limits
//!
//! Indices out of range, duplicate (mentee, mentor) edges and scores whose
//! magnitude could overflow are refused with [`Error::Solver`]: the sum over
//! mentees of each mentee's largest `|score|` must not exceed
//! [`MAX_SCORE_MASS`] (2^58). That bound keeps every value, price, label and
//! total (including the `max_matched` bonus) inside `i64`.
//!
//! [`greedy`] (highest score first) is kept as the baseline the exact solver
//! is measured against; it has no certificate.
//!
//! # Example
//!
//! ```
//! use passiton::assign::{AssignOptions, AssignProblem, Edge, assign, verify};
//!
//! // Both mentees prefer mentor 0, which has one place; mentee 1 also
//! // accepts mentor 1, so the best total moves mentee 1 there.
//! let problem = AssignProblem {
//!     n_mentees: 2,
//!     capacities: vec![1, 1],
//!     edges: vec![
//!         Edge { mentee: 0, mentor: 0, score: 10 },
//!         Edge { mentee: 1, mentor: 0, score: 9 },
//!         Edge { mentee: 1, mentor: 1, score: 5 },
//!     ],
//! };
//! let options = AssignOptions::default();
//! let assignment = assign(&problem, &options)?;
//! assert_eq!(assignment.mentor_of, vec![Some(0), Some(1)]);
//! assert_eq!(assignment.total_score, 15);
//! verify(&problem, &options, &assignment)?;
//! # Ok::<(), passiton::Error>(())
//! ```

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::{Error, Result};

/// Largest allowed sum over mentees of each mentee's largest `|score|` (2^58).
pub const MAX_SCORE_MASS: u64 = 1 << 58;

const NONE: u32 = u32::MAX;
const INF: i64 = i64::MAX;
/// A detour bound that prunes nothing; far enough from `i64::MIN` that adding
/// labels and values (each below 2^62) cannot overflow.
const UNKNOWN: i64 = -(1 << 62);
/// The detour bound of a mentee without other edges: prunes every search
/// yet cannot overflow when added to a label.
const NO_DETOUR: i64 = 1 << 62;

/// A candidate pairing of one mentee with one mentor.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Edge {
    /// Mentee index, below [`AssignProblem::n_mentees`].
    pub mentee: u32,
    /// Mentor index, below `capacities.len()`.
    pub mentor: u32,
    /// What the pairing is worth; higher is better, may be zero or negative.
    pub score: i64,
}

/// An assignment problem over dense indices.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignProblem {
    /// Number of mentees; mentee indices are `0..n_mentees`.
    pub n_mentees: usize,
    /// Capacity of each mentor; mentor indices are positions in this vector.
    pub capacities: Vec<u32>,
    /// Candidate pairings, in any order, at most one per (mentee, mentor).
    pub edges: Vec<Edge>,
}

/// What to optimise.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AssignOptions {
    /// Match as many mentees as possible first, then maximise the total score.
    pub max_matched: bool,
}

/// Dual prices proving an [`Assignment`] optimal; see the module docs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Certificate {
    /// Constant added to every score before the conditions are checked:
    /// 0 by default, `U - L + 1` (or more) with `max_matched`.
    pub bonus: i64,
    /// `u_i ≥ 0` per mentee; 0 for unmatched mentees.
    pub mentee_value: Vec<i64>,
    /// `p_j ≥ 0` per mentor; 0 for mentors below capacity.
    pub mentor_price: Vec<i64>,
}

/// An optimal assignment with its certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The mentor of each mentee, `None` if unmatched.
    pub mentor_of: Vec<Option<u32>>,
    /// Number of matched mentees.
    pub matched: usize,
    /// Sum of the scores of the used edges (without any bonus).
    pub total_score: i64,
    /// Dual prices proving optimality.
    pub certificate: Certificate,
}

/// An assignment without optimality proof, as returned by [`greedy`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matching {
    /// The mentor of each mentee, `None` if unmatched.
    pub mentor_of: Vec<Option<u32>>,
    /// Number of matched mentees.
    pub matched: usize,
    /// Sum of the scores of the used edges.
    pub total_score: i64,
}

/// One edge as its mentee's row holds it: the score (plus the bonus, in the
/// working rows the solver reads) and the mentor side by side, so that
/// reading an edge touches one cache line, in 12 bytes rather than 16
/// (fields are only ever copied out, never borrowed).
#[derive(Clone, Copy)]
#[repr(C, packed(4))]
struct RowEdge {
    weight: i64,
    mentor: u32,
}

/// Edges in canonical order: grouped by mentee (compressed rows), each
/// mentee's edges best score first, ties by mentor.
struct Rows {
    start: Vec<usize>,
    /// Together, so that ordering writes each edge once.
    entries: Vec<RowEdge>,
}

impl Rows {
    fn row(&self, mentee: usize) -> &[RowEdge] {
        &self.entries[self.start[mentee]..self.start[mentee + 1]]
    }

    /// Score of edge (mentee, mentor), if present.
    fn find(&self, mentee: usize, mentor: u32) -> Option<i64> {
        self.row(mentee).iter().find(|e| { e.mentor } == mentor).map(|e| e.weight)
    }
}

fn refuse(problem: impl Into<String>) -> Error {
    Error::solver("assign", problem)
}

/// The order of edges within a row: best weight first, ties by mentor.
fn canonical_order(a: &RowEdge, b: &RowEdge) -> std::cmp::Ordering {
    ({ b.weight }, { a.mentor }).cmp(&({ a.weight }, { b.mentor }))
}

/// Validates `problem` and puts its edges in canonical order.
fn canonical(problem: &AssignProblem) -> Result<Rows> {
    let n = problem.n_mentees;
    let m = problem.capacities.len();
    if n > u32::MAX as usize || m > u32::MAX as usize {
        return Err(refuse(format!("too many mentees ({n}) or mentors ({m}) for 32-bit indices")));
    }
    let mut start = vec![0usize; n + 1];
    for (k, e) in problem.edges.iter().enumerate() {
        if e.mentee as usize >= n {
            return Err(refuse(format!("edge {k}: mentee {} out of range (n_mentees = {n})", e.mentee)));
        }
        if e.mentor as usize >= m {
            return Err(refuse(format!("edge {k}: mentor {} out of range ({m} mentors)", e.mentor)));
        }
        start[e.mentee as usize + 1] += 1;
    }
    for i in 0..n {
        start[i + 1] += start[i];
    }
    let mut entries = vec![RowEdge { weight: 0, mentor: 0 }; problem.edges.len()];
    let mut next = start.clone();
    for e in &problem.edges {
        let slot = &mut next[e.mentee as usize];
        entries[*slot] = RowEdge { weight: e.score, mentor: e.mentor };
        *slot += 1;
    }
    let mut mass: u64 = 0;
    // The last mentee seen with an edge to each mentor, to find duplicates.
    let mut seen_by = vec![u32::MAX; m];
    for i in 0..n {
        let row = &mut entries[start[i]..start[i + 1]];
        if row.len() <= 64 {
            // Insertion sort: rows are short and often already in order.
            for a in 1..row.len() {
                let mut b = a;
                while b > 0 && canonical_order(&row[b - 1], &row[b]).is_gt() {
                    row.swap(b - 1, b);
                    b -= 1;
                }
            }
        } else {
            row.sort_unstable_by(canonical_order);
        }
        let mut largest: u64 = 0;
        for &RowEdge { weight: score, mentor: j } in row.iter() {
            if seen_by[j as usize] == i as u32 {
                return Err(refuse(format!("duplicate edge (mentee {i}, mentor {j})")));
            }
            seen_by[j as usize] = i as u32;
            largest = largest.max(score.unsigned_abs());
        }
        mass = mass.saturating_add(largest);
        if mass > MAX_SCORE_MASS {
            return Err(refuse(format!(
                "scores too large: the sum over mentees of the largest |score| exceeds 2^58 (at mentee {i})"
            )));
        }
    }
    Ok(Rows { start, entries })
}

/// The `max_matched` bonus `U - L + 1`; fits in `i64` under [`MAX_SCORE_MASS`].
fn matched_bonus(rows: &Rows, n: usize) -> i64 {
    let mut spread: i64 = 1;
    for i in 0..n {
        let scores = rows.row(i).iter().map(|e| e.weight);
        let hi = scores.clone().max().unwrap_or(0).max(0);
        let lo = scores.min().unwrap_or(0).min(0);
        spread += hi - lo;
    }
    spread
}

/// What a search settled on for the entering mentee.
#[derive(Clone, Copy)]
enum Target {
    /// The entering mentee stays unmatched.
    Stay,
    /// The path ends at this mentor, which has a free place.
    Mentor(u32),
    /// The path ends by unmatching this mentee.
    Free(u32),
}

/// One matched mentee as its mentor sees it. Kept with the mentor so that a
/// search scans a mentor's mentees as one contiguous run of memory.
#[derive(Clone, Copy)]
struct Seat {
    mentee: u32,
    /// Length of the mentee's row of edges (at most one edge per mentor,
    /// so it fits like a mentor index).
    row_len: u32,
    /// Where the mentee's row of edges starts, so a search reads it without
    /// looking up the row offsets.
    row: usize,
    /// Weight of the mentee's edge to this mentor.
    weight: i64,
    /// A lower bound on `p_j - w_ij` over the mentee's edges to other
    /// mentors. Prices only rise, so a bound once exact stays valid while the
    /// mentee sits here; it lets a search skip mentees whose every detour
    /// costs more than the best option already found.
    detour: i64,
}

/// Incremental Hungarian state over the working edges (weights include the
/// bonus). Mentees and mentors can be added at any time; a mentee takes part
/// once it has entered.
struct Solver {
    /// Mentee `i`'s working edges are `edges[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    edges: Vec<RowEdge>,
    /// Places each mentor has left.
    room: Vec<u32>,
    price: Vec<i64>,
    /// Each mentor's seated mentees, in one run of memory per mentor.
    seats: Vec<Vec<Seat>>,
    mentor_of: Vec<u32>,
    matched_w: Vec<i64>,
    /// Position of each matched mentee among its mentor's seats.
    slot_pos: Vec<u32>,
    dist: Vec<i64>,
    pred: Vec<u32>,
    pred_w: Vec<i64>,
    done: Vec<bool>,
    touched: Vec<u32>,
    scanned: Vec<u32>,
    heap: BinaryHeap<Reverse<(i64, u32)>>,
}

impl Solver {
    /// A solver over `edges` in rows (`start` has one more entry than there
    /// are mentees), no mentee entered yet.
    fn new(start: Vec<usize>, edges: Vec<RowEdge>, capacities: &[u32]) -> Self {
        let n = start.len() - 1;
        let mut solver = Solver {
            start,
            edges,
            room: Vec::with_capacity(capacities.len()),
            price: Vec::with_capacity(capacities.len()),
            seats: Vec::with_capacity(capacities.len()),
            mentor_of: vec![NONE; n],
            matched_w: vec![0; n],
            slot_pos: vec![0; n],
            dist: Vec::with_capacity(capacities.len()),
            pred: Vec::with_capacity(capacities.len()),
            pred_w: Vec::with_capacity(capacities.len()),
            done: Vec::with_capacity(capacities.len()),
            touched: Vec::new(),
            scanned: Vec::new(),
            heap: BinaryHeap::new(),
        };
        for &capacity in capacities {
            solver.add_mentor(capacity);
        }
        solver
    }

    fn add_mentor(&mut self, capacity: u32) {
        self.room.push(capacity);
        self.price.push(0);
        self.seats.push(Vec::new());
        self.dist.push(INF);
        self.pred.push(NONE);
        self.pred_w.push(0);
        self.done.push(false);
    }

    /// Appends a mentee with `row`, already in canonical order.
    fn add_mentee(&mut self, row: &[RowEdge]) {
        self.edges.extend_from_slice(row);
        self.start.push(self.edges.len());
        self.mentor_of.push(NONE);
        self.matched_w.push(0);
        self.slot_pos.push(0);
    }

    fn add_slot(&mut self, i: u32, j: u32, weight: i64) {
        let j = j as usize;
        let (row, end) = (self.start[i as usize], self.start[i as usize + 1]);
        self.slot_pos[i as usize] = self.seats[j].len() as u32;
        self.seats[j].push(Seat { mentee: i, row_len: (end - row) as u32, row, weight, detour: UNKNOWN });
        self.room[j] -= 1;
    }

    fn remove_slot(&mut self, i: u32, j: u32) {
        let j = j as usize;
        let pos = self.slot_pos[i as usize] as usize;
        self.seats[j].swap_remove(pos);
        if let Some(moved) = self.seats[j].get(pos) {
            self.slot_pos[moved.mentee as usize] = pos as u32;
        }
        self.room[j] += 1;
    }

    /// Offers label `d` to mentor `j`, reached through mentee `via` on an
    /// edge of weight `w`. A mentor with a free place ends the search at its
    /// label, so it becomes the best option at once instead of entering the
    /// heap; that lowers the bound that prunes everything else.
    fn relax(&mut self, j: u32, d: i64, via: u32, w: i64, best: &mut i64, target: &mut Target) {
        let ju = j as usize;
        if d < self.dist[ju] {
            if self.dist[ju] == INF {
                self.touched.push(j);
            }
            self.dist[ju] = d;
            self.pred[ju] = via;
            self.pred_w[ju] = w;
            if self.room[ju] > 0 {
                *best = d;
                *target = Target::Mentor(j);
            } else {
                self.heap.push(Reverse((d, j)));
            }
        }
    }

    /// The assignment reached, with its certificate; `closed` are the edges
    /// to mentors without places, which took no part.
    fn into_assignment(self, bonus: i64, closed: impl Iterator<Item = Edge>) -> Assignment {
        let n = self.mentor_of.len();
        let mut mentor_of = Vec::with_capacity(n);
        let mut mentee_value = Vec::with_capacity(n);
        let mut matched = 0usize;
        let mut total_score = 0i64;
        for (&j, &w) in self.mentor_of.iter().zip(&self.matched_w) {
            if j == NONE {
                mentor_of.push(None);
                mentee_value.push(0);
            } else {
                mentor_of.push(Some(j));
                matched += 1;
                total_score += w - bonus;
                mentee_value.push(w - self.price[j as usize]);
            }
        }
        let mut mentor_price = self.price;
        // Any price covering their edges is valid for mentors without
        // places, since a mentor of capacity 0 is always full.
        for e in closed {
            let need = e.score + bonus - mentee_value[e.mentee as usize];
            let price = &mut mentor_price[e.mentor as usize];
            *price = (*price).max(need);
        }
        Assignment { mentor_of, matched, total_score, certificate: Certificate { bonus, mentee_value, mentor_price } }
    }

    /// Adds mentee `i0` and restores optimality with one augmenting search.
    fn enter(&mut self, i0: u32) {
        let row = self.start[i0 as usize]..self.start[i0 as usize + 1];
        let mut u0: i64 = 0;
        for k in row.clone() {
            u0 = u0.max(self.edges[k].weight - self.price[self.edges[k].mentor as usize]);
        }
        if u0 == 0 {
            return;
        }
        let mut best = u0;
        let mut target = Target::Stay;
        for k in row {
            // Rows run best weight first and prices are never negative, so
            // once an edge cannot beat the best option no later one can.
            let RowEdge { weight: w, mentor: j } = self.edges[k];
            if u0 - w >= best {
                break;
            }
            let d = u0 + self.price[j as usize] - w;
            if d < best {
                self.relax(j, d, i0, w, &mut best, &mut target);
            }
        }
        while let Some(Reverse((d, j))) = self.heap.pop() {
            if d >= best {
                break;
            }
            let ju = j as usize;
            if self.done[ju] || d > self.dist[ju] {
                continue;
            }
            self.done[ju] = true;
            self.scanned.push(j);
            let pj = self.price[ju];
            let len = self.seats[ju].len();
            // First read the start of every row the scan below may read.
            // These reads do not depend on one another, so their cache misses
            // overlap instead of coming one seat at a time; the scan then finds
            // the rows in cache. A seated mentee's row holds at least the edge
            // to this mentor, so it is never empty.
            let mut warm = 0i64;
            for seat in &self.seats[ju] {
                if d + seat.weight - pj + seat.detour < best {
                    warm ^= self.edges[seat.row].weight;
                }
            }
            std::hint::black_box(warm);
            for s in 0..len {
                let seat = self.seats[ju][s];
                let i = seat.mentee;
                let base = d + seat.weight - pj;
                if base < best {
                    best = base;
                    target = Target::Free(i);
                }
                if base + seat.detour >= best {
                    continue;
                }
                let mut detour = NO_DETOUR;
                for k in seat.row..seat.row + seat.row_len as usize {
                    let RowEdge { weight: w, mentor: j2 } = self.edges[k];
                    if base - w >= best {
                        // As above; `-w` bounds the detours of the rest of the row.
                        detour = detour.min(-w);
                        break;
                    }
                    if j2 == j {
                        continue;
                    }
                    let extra = self.price[j2 as usize] - w;
                    detour = detour.min(extra);
                    let d2 = base + extra;
                    if d2 < best && d2 < self.dist[j2 as usize] {
                        self.relax(j2, d2, i, w, &mut best, &mut target);
                    }
                }
                self.seats[ju][s].detour = detour;
            }
        }
        // Dual update: settled mentors rise by their gap to the chosen option,
        // which keeps every reduced cost non-negative and makes the path tight.
        for &j in &self.scanned {
            let ju = j as usize;
            self.price[ju] += best - self.dist[ju];
        }
        let mut cur = match target {
            Target::Stay => NONE,
            Target::Mentor(j) => j,
            Target::Free(i) => {
                let k = self.mentor_of[i as usize];
                self.remove_slot(i, k);
                self.mentor_of[i as usize] = NONE;
                k
            }
        };
        while cur != NONE {
            let i = self.pred[cur as usize];
            let w = self.pred_w[cur as usize];
            let prev = self.mentor_of[i as usize];
            if prev != NONE {
                self.remove_slot(i, prev);
            }
            self.add_slot(i, cur, w);
            self.mentor_of[i as usize] = cur;
            self.matched_w[i as usize] = w;
            cur = if i == i0 { NONE } else { prev };
        }
        for &j in &self.touched {
            self.dist[j as usize] = INF;
            self.done[j as usize] = false;
        }
        self.touched.clear();
        self.scanned.clear();
        self.heap.clear();
    }
}

/// Solves `problem` exactly; see the module docs for what optimal means.
///
/// # Errors
///
/// [`Error::Solver`] for an index out of range, a duplicate (mentee, mentor)
/// edge, or scores beyond [`MAX_SCORE_MASS`].
pub fn assign(problem: &AssignProblem, options: &AssignOptions) -> Result<Assignment> {
    let n = problem.n_mentees;
    let caps = &problem.capacities;
    let rows = canonical(problem)?;
    let bonus = if options.max_matched { matched_bonus(&rows, n) } else { 0 };

    // Working edges: drop mentors without places and, when only the score
    // counts, negative edges (never worth using); add the bonus. In place,
    // since the rows are not read again: at national scale a second copy
    // would cost hundreds of megabytes of fresh pages.
    let Rows { start: row_start, entries: mut edges } = rows;
    let mut start = Vec::with_capacity(n + 1);
    start.push(0);
    let mut kept = 0;
    for i in 0..n {
        for k in row_start[i]..row_start[i + 1] {
            let RowEdge { weight: s, mentor } = edges[k];
            if caps[mentor as usize] > 0 && (options.max_matched || s >= 0) {
                edges[kept] = RowEdge { weight: s + bonus, mentor };
                kept += 1;
            }
        }
        start.push(kept);
    }
    edges.truncate(kept);
    drop(row_start);

    // Mentees with the most to gain enter first: a late entrant's search is
    // bounded by what it can gain, so the small gains come last and stay cheap.
    let mut order: Vec<(Reverse<i64>, u32)> = (0..n)
        .map(|i| (Reverse(edges[start[i]..start[i + 1]].iter().map(|e| e.weight).max().unwrap_or(0)), i as u32))
        .collect();
    order.sort_unstable();
    let mut solver = Solver::new(start, edges, caps);
    for (_, i) in order {
        solver.enter(i);
    }
    let closed = problem.edges.iter().filter(|e| caps[e.mentor as usize] == 0).copied();
    Ok(solver.into_assignment(bonus, closed))
}

/// An exact assignment built one mentee at a time, for callers that produce
/// mentees as a stream: each [`IncrementalAssign::enter`] places the new
/// mentee and keeps the assignment of everyone entered so far optimal (in
/// the sense of [`AssignOptions`]), with the method of [`assign`]. Mentors
/// can be added whenever they are first needed.
///
/// The result is optimal whatever the order of entry; among several optimal
/// assignments, the one returned depends on that order. With `max_matched`
/// the bonus cannot wait for every score, so it is fixed at the start from
/// bounds the caller gives: `2 × max_mentees × max_score + 1`, which is at
/// least `U - L + 1`.
///
/// ```
/// use passiton::assign::{AssignOptions, IncrementalAssign};
///
/// let mut solver = IncrementalAssign::new(AssignOptions { max_matched: true }, 2, 10)?;
/// let busy = solver.add_mentor(1)?;
/// let spare = solver.add_mentor(1)?;
/// solver.enter(&[(busy, 10)])?;
/// solver.enter(&[(busy, 9), (spare, 5)])?;
/// let assignment = solver.finish();
/// assert_eq!(assignment.mentor_of, vec![Some(busy), Some(spare)]);
/// assert_eq!(assignment.total_score, 15);
/// # Ok::<(), passiton::Error>(())
/// ```
pub struct IncrementalAssign {
    solver: Solver,
    max_matched: bool,
    bonus: i64,
    max_mentees: usize,
    max_score: i64,
    capacities: Vec<u32>,
    /// Edges to mentors without places: never used, but the prices must
    /// cover them.
    closed: Vec<Edge>,
    /// The last mentee with an edge to each mentor, to find duplicates.
    seen_by: Vec<u32>,
    /// One row being put in canonical order.
    row: Vec<RowEdge>,
}

impl IncrementalAssign {
    /// An empty assignment for at most `max_mentees` mentees whose scores
    /// all lie in `-max_score..=max_score`.
    ///
    /// # Errors
    ///
    /// [`Error::Solver`] when `max_score` is negative, `max_mentees` does not
    /// fit 32-bit indices, or `max_mentees × max_score` exceeds
    /// [`MAX_SCORE_MASS`].
    pub fn new(options: AssignOptions, max_mentees: usize, max_score: i64) -> Result<IncrementalAssign> {
        if max_score < 0 {
            return Err(refuse(format!("incremental: max_score {max_score} is negative")));
        }
        if max_mentees > u32::MAX as usize {
            return Err(refuse(format!("incremental: too many mentees ({max_mentees}) for 32-bit indices")));
        }
        let mass = (max_mentees as u128) * (max_score as u128);
        if mass > u128::from(MAX_SCORE_MASS) {
            return Err(refuse("incremental: max_mentees × max_score exceeds 2^58"));
        }
        let bonus = if options.max_matched { 2 * mass as i64 + 1 } else { 0 };
        Ok(IncrementalAssign {
            solver: Solver::new(vec![0], Vec::new(), &[]),
            max_matched: options.max_matched,
            bonus,
            max_mentees,
            max_score,
            capacities: Vec::new(),
            closed: Vec::new(),
            seen_by: Vec::new(),
            row: Vec::new(),
        })
    }

    /// Adds a mentor with `capacity` places and returns its index (0, 1, …).
    ///
    /// # Errors
    ///
    /// [`Error::Solver`] when mentor indices no longer fit in 32 bits.
    pub fn add_mentor(&mut self, capacity: u32) -> Result<u32> {
        let j = self.capacities.len();
        if j >= NONE as usize {
            return Err(refuse("incremental: too many mentors for 32-bit indices"));
        }
        self.capacities.push(capacity);
        self.seen_by.push(NONE);
        self.solver.add_mentor(capacity);
        Ok(j as u32)
    }

    /// Number of mentees entered so far.
    pub fn mentees(&self) -> usize {
        self.solver.mentor_of.len()
    }

    /// Enters a mentee with edges `(mentor, score)` in any order, places it
    /// optimally, and returns its index (0, 1, … in order of entry).
    ///
    /// # Errors
    ///
    /// [`Error::Solver`] for more than `max_mentees` mentees, a mentor not
    /// yet added, a duplicate mentor in `edges`, or a score outside
    /// `-max_score..=max_score`. Nothing changes on error.
    pub fn enter(&mut self, edges: &[(u32, i64)]) -> Result<u32> {
        let i = self.mentees();
        if i >= self.max_mentees {
            return Err(refuse(format!("incremental: more than the {} mentees announced", self.max_mentees)));
        }
        for &(j, score) in edges {
            if j as usize >= self.capacities.len() {
                return Err(refuse(format!("incremental: mentee {i}: mentor {j} not added")));
            }
            if score.unsigned_abs() > self.max_score as u64 {
                return Err(refuse(format!("incremental: mentee {i}: score {score} beyond ±{}", self.max_score)));
            }
        }
        for (k, &(j, _)) in edges.iter().enumerate() {
            if self.seen_by[j as usize] == i as u32 {
                // Unmark, so that the next mentee entered as `i` starts clean.
                for &(marked, _) in &edges[..k] {
                    self.seen_by[marked as usize] = NONE;
                }
                return Err(refuse(format!("incremental: duplicate edge (mentee {i}, mentor {j})")));
            }
            self.seen_by[j as usize] = i as u32;
        }
        // The working row, as `assign` makes it: no mentors without places,
        // no negative edges when only the score counts, the bonus added.
        self.row.clear();
        for &(mentor, score) in edges {
            if self.capacities[mentor as usize] == 0 {
                self.closed.push(Edge { mentee: i as u32, mentor, score });
            } else if self.max_matched || score >= 0 {
                self.row.push(RowEdge { weight: score + self.bonus, mentor });
            }
        }
        self.row.sort_unstable_by(canonical_order);
        self.solver.add_mentee(&self.row);
        self.solver.enter(i as u32);
        Ok(i as u32)
    }

    /// The optimal assignment of every mentee entered, with its certificate.
    pub fn finish(self) -> Assignment {
        self.solver.into_assignment(self.bonus, self.closed.into_iter())
    }
}

fn reject(problem: impl Into<String>) -> Result<()> {
    Err(refuse(format!("verify: {}", problem.into())))
}

/// Checks that `assignment` is feasible, that its totals are right, and that
/// its certificate proves it optimal for `options`.
///
/// # Errors
///
/// [`Error::Solver`] naming the first condition that fails, or the reasons
/// [`assign`] would refuse `problem`.
pub fn verify(problem: &AssignProblem, options: &AssignOptions, assignment: &Assignment) -> Result<()> {
    let n = problem.n_mentees;
    let m = problem.capacities.len();
    let rows = canonical(problem)?;
    let cert = &assignment.certificate;
    if assignment.mentor_of.len() != n || cert.mentee_value.len() != n || cert.mentor_price.len() != m {
        return reject("wrong lengths of mentor_of, mentee_value or mentor_price");
    }
    let bonus = cert.bonus;
    if options.max_matched {
        if bonus < matched_bonus(&rows, n) {
            return reject(format!("bonus {bonus} is too small to put matching first"));
        }
    } else if bonus != 0 {
        return reject("bonus must be 0 when the score alone counts");
    }
    let mut load = vec![0u64; m];
    let mut matched = 0usize;
    let mut total: i128 = 0;
    for (i, assigned) in assignment.mentor_of.iter().enumerate() {
        let u = cert.mentee_value[i];
        if u < 0 {
            return reject(format!("mentee {i} has negative value {u}"));
        }
        match *assigned {
            None if u != 0 => return reject(format!("unmatched mentee {i} has value {u}, not 0")),
            None => {}
            Some(j) => {
                let Some(score) = rows.find(i, j) else {
                    return reject(format!("mentee {i} is matched to mentor {j} without an edge"));
                };
                load[j as usize] += 1;
                matched += 1;
                total += score as i128;
                let slack = u as i128 + cert.mentor_price[j as usize] as i128 - (score as i128 + bonus as i128);
                if slack != 0 {
                    return reject(format!("used edge (mentee {i}, mentor {j}) is not tight (slack {slack})"));
                }
            }
        }
    }
    for (j, (&p, &cap)) in cert.mentor_price.iter().zip(&problem.capacities).enumerate() {
        let (cap, load) = (cap as u64, load[j]);
        if load > cap {
            return reject(format!("mentor {j} has {load} mentees, capacity {cap}"));
        }
        if p < 0 || (p > 0 && load < cap) {
            return reject(format!("mentor {j} has price {p} but is below capacity or the price is negative"));
        }
    }
    if matched != assignment.matched || total != assignment.total_score as i128 {
        return reject(format!(
            "reported matched {} and total {}, found {matched} and {total}",
            assignment.matched, assignment.total_score
        ));
    }
    for i in 0..n {
        let u = cert.mentee_value[i] as i128;
        for &RowEdge { weight: score, mentor: j } in rows.row(i) {
            if u + (cert.mentor_price[j as usize] as i128) < score as i128 + bonus as i128 {
                return reject(format!("edge (mentee {i}, mentor {j}) is not covered by the prices"));
            }
        }
    }
    Ok(())
}

/// Baseline: takes edges by decreasing score (ties by mentee, then mentor)
/// whenever both ends are still free, skipping negative scores. Not optimal.
///
/// # Errors
///
/// The same refusals as [`assign`].
pub fn greedy(problem: &AssignProblem) -> Result<Matching> {
    let n = problem.n_mentees;
    let rows = canonical(problem)?;
    // Keys inline (not indices into the rows) keep the sort cache-friendly;
    // the key order is the documented tie-break.
    let mut order: Vec<(Reverse<i64>, u32, u32)> = Vec::with_capacity(rows.entries.len());
    for i in 0..n {
        for &RowEdge { weight: score, mentor: j } in rows.row(i) {
            if score >= 0 {
                order.push((Reverse(score), i as u32, j));
            }
        }
    }
    order.sort_unstable();
    let mut left: Vec<u32> = problem.capacities.clone();
    let mut mentor_of = vec![None; n];
    let (mut matched, mut total_score) = (0usize, 0i64);
    for (Reverse(score), i, j) in order {
        if mentor_of[i as usize].is_none() && left[j as usize] > 0 {
            left[j as usize] -= 1;
            mentor_of[i as usize] = Some(j);
            matched += 1;
            total_score += score;
        }
    }
    Ok(Matching { mentor_of, matched, total_score })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn problem(n: usize, caps: &[u32], edges: &[(u32, u32, i64)]) -> AssignProblem {
        AssignProblem {
            n_mentees: n,
            capacities: caps.to_vec(),
            edges: edges.iter().map(|&(mentee, mentor, score)| Edge { mentee, mentor, score }).collect(),
        }
    }

    /// Best (total) and best (matched, total) over every feasible assignment.
    fn brute(p: &AssignProblem) -> (i64, (usize, i64)) {
        let n = p.n_mentees;
        let mut rows: Vec<Vec<(u32, i64)>> = vec![Vec::new(); n];
        for e in &p.edges {
            rows[e.mentee as usize].push((e.mentor, e.score));
        }
        let mut best = (i64::MIN, (0usize, i64::MIN));
        let mut load = vec![0u32; p.capacities.len()];
        fn go(
            i: usize,
            rows: &[Vec<(u32, i64)>],
            caps: &[u32],
            load: &mut [u32],
            acc: (usize, i64),
            best: &mut (i64, (usize, i64)),
        ) {
            if i == rows.len() {
                best.0 = best.0.max(acc.1);
                best.1 = best.1.max(acc);
                return;
            }
            go(i + 1, rows, caps, load, acc, best);
            for &(j, s) in &rows[i] {
                if load[j as usize] < caps[j as usize] {
                    load[j as usize] += 1;
                    go(i + 1, rows, caps, load, (acc.0 + 1, acc.1 + s), best);
                    load[j as usize] -= 1;
                }
            }
        }
        go(0, &rows, &p.capacities, &mut load, (0, 0), &mut best);
        best
    }

    fn check(p: &AssignProblem) {
        let (best_total, best_lex) = brute(p);
        let plain = AssignOptions::default();
        let a = assign(p, &plain).expect("valid problem");
        verify(p, &plain, &a).expect("certificate holds");
        assert_eq!(a.total_score, best_total);
        let lex = AssignOptions { max_matched: true };
        let b = assign(p, &lex).expect("valid problem");
        verify(p, &lex, &b).expect("certificate holds");
        assert_eq!((b.matched, b.total_score), best_lex);
        let g = greedy(p).expect("valid problem");
        assert!(g.total_score <= a.total_score);
    }

    #[test]
    fn empty_and_trivial() {
        check(&problem(0, &[], &[]));
        check(&problem(3, &[], &[]));
        check(&problem(2, &[1], &[]));
        check(&problem(1, &[1], &[(0, 0, 5)]));
        check(&problem(1, &[0], &[(0, 0, 5)]));
        check(&problem(1, &[1], &[(0, 0, -5)]));
        check(&problem(1, &[1], &[(0, 0, 0)]));
    }

    #[test]
    fn displacement_chain() {
        // Mentee 1 must push mentee 0 to its second choice.
        check(&problem(2, &[1, 1], &[(0, 0, 10), (0, 1, 9), (1, 0, 10), (1, 1, 1)]));
        // Unmatching beats a poor chain.
        check(&problem(3, &[1], &[(0, 0, 1), (1, 0, 5), (2, 0, 3)]));
    }

    #[test]
    fn max_matched_takes_negative_edges() {
        let p = problem(2, &[1, 1], &[(0, 0, 10), (1, 0, 10), (1, 1, -3)]);
        let a = assign(&p, &AssignOptions::default()).expect("valid");
        assert_eq!((a.matched, a.total_score), (1, 10));
        let b = assign(&p, &AssignOptions { max_matched: true }).expect("valid");
        assert_eq!((b.matched, b.total_score), (2, 7));
        assert_eq!(b.mentor_of, vec![Some(0), Some(1)]);
    }

    #[test]
    fn refuses_bad_input() {
        let o = AssignOptions::default();
        assert!(matches!(assign(&problem(1, &[1], &[(1, 0, 1)]), &o), Err(Error::Solver { .. })));
        assert!(matches!(assign(&problem(1, &[1], &[(0, 1, 1)]), &o), Err(Error::Solver { .. })));
        assert!(matches!(assign(&problem(1, &[1], &[(0, 0, 1), (0, 0, 2)]), &o), Err(Error::Solver { .. })));
        // Rows are ordered by score, so these duplicates end up apart.
        let apart = problem(1, &[1, 1], &[(0, 0, 9), (0, 1, 5), (0, 0, 1)]);
        assert!(matches!(assign(&apart, &o), Err(Error::Solver { .. })));
        // One mentor on two mentees' rows is no duplicate.
        assert!(assign(&problem(2, &[1], &[(0, 0, 1), (1, 0, 1)]), &o).is_ok());
        assert!(matches!(assign(&problem(1, &[1], &[(0, 0, i64::MIN)]), &o), Err(Error::Solver { .. })));
        let big = problem(2, &[2], &[(0, 0, 1 << 58), (1, 0, 1)]);
        assert!(matches!(assign(&big, &o), Err(Error::Solver { .. })));
        assert!(greedy(&problem(1, &[1], &[(0, 3, 1)])).is_err());
    }

    #[test]
    fn long_rows_are_sorted_and_checked() {
        let m = 100u32;
        let caps = vec![1; m as usize];
        let mut edges: Vec<(u32, u32, i64)> = (0..m).rev().map(|j| (0, j, j as i64)).collect();
        edges.extend((0..m).map(|j| (1, j, 1)));
        let a = assign(&problem(2, &caps, &edges), &AssignOptions::default()).expect("valid");
        assert_eq!(a.mentor_of, vec![Some(m - 1), Some(0)]);
        edges.push((0, 7, 3));
        assert!(assign(&problem(2, &caps, &edges), &AssignOptions::default()).is_err());
    }

    #[test]
    fn largest_allowed_scores_work() {
        let p = problem(2, &[1], &[(0, 0, 1 << 57), (1, 0, -(1 << 57))]);
        check(&p);
    }

    #[test]
    fn verify_rejects_wrong_claims() {
        let p = problem(2, &[1, 1], &[(0, 0, 10), (0, 1, 9), (1, 0, 10), (1, 1, 1)]);
        let o = AssignOptions::default();
        let a = assign(&p, &o).expect("valid");
        let mut worse = a.clone();
        worse.mentor_of = vec![Some(0), Some(1)];
        worse.total_score = 11;
        assert!(verify(&p, &o, &worse).is_err());
        let mut lie = a.clone();
        lie.total_score += 1;
        assert!(verify(&p, &o, &lie).is_err());
        let mut over = a;
        over.mentor_of = vec![Some(0), Some(0)];
        assert!(verify(&p, &o, &over).is_err());
    }

    #[test]
    fn greedy_takes_highest_first_with_index_ties() {
        let p = problem(3, &[1, 1], &[(2, 0, 7), (1, 0, 7), (0, 1, 3), (1, 1, 9), (0, 0, 1), (2, 1, -1)]);
        let g = greedy(&p).expect("valid");
        // (1,1,9) first; then (1,0,7) is skipped since mentee 1 is taken, (2,0,7) fits.
        assert_eq!(g.mentor_of, vec![None, Some(1), Some(0)]);
        assert_eq!((g.matched, g.total_score), (2, 16));
    }

    #[test]
    fn edge_order_does_not_matter() {
        let edges = [(0, 0, 5), (0, 1, 5), (1, 0, 5), (1, 1, 5), (2, 0, 5), (2, 1, 5)];
        let p = problem(3, &[1, 1], &edges);
        let mut q = p.clone();
        q.edges.reverse();
        let o = AssignOptions::default();
        assert_eq!(assign(&p, &o).expect("valid"), assign(&q, &o).expect("valid"));
    }

    fn small_problem() -> impl Strategy<Value = AssignProblem> {
        (0usize..=6, 0usize..=4).prop_flat_map(|(n, m)| {
            let caps = proptest::collection::vec(0u32..=3, m);
            let cells = proptest::collection::vec(proptest::option::of(-5i64..=10), n * m);
            (Just(n), caps, cells).prop_map(move |(n, capacities, cells)| {
                let mut edges = Vec::new();
                for (c, s) in cells.into_iter().enumerate() {
                    if let Some(score) = s {
                        edges.push(Edge { mentee: (c / m.max(1)) as u32, mentor: (c % m.max(1)) as u32, score });
                    }
                }
                AssignProblem { n_mentees: n, capacities, edges }
            })
        })
    }

    /// Larger than brute force can check: only the certificate speaks.
    fn medium_problem() -> impl Strategy<Value = AssignProblem> {
        (1usize..=80, 1usize..=10).prop_flat_map(|(n, m)| {
            let caps = proptest::collection::vec(0u32..=12, m);
            let cells = proptest::collection::vec(proptest::option::of(-50i64..=100), n * m);
            (Just(n), caps, cells).prop_map(move |(n, capacities, cells)| {
                let edges = cells
                    .into_iter()
                    .enumerate()
                    .filter_map(|(c, s)| s.map(|score| Edge { mentee: (c / m) as u32, mentor: (c % m) as u32, score }))
                    .collect();
                AssignProblem { n_mentees: n, capacities, edges }
            })
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(500))]
        #[test]
        fn certificate_holds_on_medium_instances(p in medium_problem()) {
            for o in [AssignOptions::default(), AssignOptions { max_matched: true }] {
                let a = assign(&p, &o).expect("valid");
                prop_assert!(verify(&p, &o, &a).is_ok());
                let g = greedy(&p).expect("valid");
                prop_assert!(o.max_matched || g.total_score <= a.total_score);
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        #[test]
        fn matches_brute_force(p in small_problem()) {
            check(&p);
        }

        #[test]
        fn same_result_in_any_edge_order(p in small_problem(), seed in any::<u64>()) {
            let mut q = p.clone();
            q.edges = shuffled(p.edges.len(), seed).into_iter().map(|k| p.edges[k]).collect();
            for o in [AssignOptions::default(), AssignOptions { max_matched: true }] {
                prop_assert_eq!(assign(&p, &o).expect("valid"), assign(&q, &o).expect("valid"));
            }
        }
    }

    /// Enters `p`'s mentees in `order` (a permutation), adding each mentor
    /// when first met; returns the assignment in `p`'s indices.
    fn incremental(p: &AssignProblem, options: AssignOptions, order: &[usize]) -> Assignment {
        let bound = p.edges.iter().map(|e| e.score.abs()).max().unwrap_or(0);
        let mut solver = IncrementalAssign::new(options, p.n_mentees, bound).expect("valid bounds");
        let mut dense = vec![NONE; p.capacities.len()];
        let mut original = Vec::new();
        for &i in order {
            let mut row = Vec::new();
            for e in p.edges.iter().filter(|e| e.mentee as usize == i) {
                let j = e.mentor as usize;
                if dense[j] == NONE {
                    dense[j] = solver.add_mentor(p.capacities[j]).expect("room for mentors");
                    original.push(e.mentor);
                }
                row.push((dense[j], e.score));
            }
            assert_eq!(solver.enter(&row).expect("valid row") as usize, solver.mentees() - 1);
        }
        let a = solver.finish();
        // Back to the problem's indices, so that `verify` can check it.
        let mut mentor_of = vec![None; p.n_mentees];
        let mut mentee_value = vec![0; p.n_mentees];
        for (k, &i) in order.iter().enumerate() {
            mentor_of[i] = a.mentor_of[k].map(|j| original[j as usize]);
            mentee_value[i] = a.certificate.mentee_value[k];
        }
        let mut mentor_price = vec![0; p.capacities.len()];
        for (j, &d) in dense.iter().enumerate() {
            if d != NONE {
                mentor_price[j] = a.certificate.mentor_price[d as usize];
            }
        }
        let certificate = Certificate { bonus: a.certificate.bonus, mentee_value, mentor_price };
        Assignment { mentor_of, matched: a.matched, total_score: a.total_score, certificate }
    }

    /// `0..n` in an order drawn from `seed`.
    fn shuffled(n: usize, seed: u64) -> Vec<usize> {
        let mut order: Vec<usize> = (0..n).collect();
        let mut s = seed;
        for k in (1..n).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            order.swap(k, (s >> 33) as usize % (k + 1));
        }
        order
    }

    #[test]
    fn incremental_refuses_bad_rows_and_changes_nothing() {
        let mut solver = IncrementalAssign::new(AssignOptions { max_matched: true }, 2, 10).expect("valid");
        assert!(IncrementalAssign::new(AssignOptions::default(), 2, -1).is_err());
        assert!(IncrementalAssign::new(AssignOptions::default(), 1 << 20, 1 << 40).is_err());
        let a = solver.add_mentor(1).expect("mentor");
        assert!(solver.enter(&[(a, 3), (1, 2)]).is_err(), "mentor not added");
        assert!(solver.enter(&[(a, 11)]).is_err(), "score beyond the bound");
        assert!(solver.enter(&[(a, 3), (a, 2)]).is_err(), "duplicate mentor");
        assert_eq!(solver.mentees(), 0);
        assert_eq!(solver.enter(&[(a, 3)]).expect("valid"), 0);
        assert_eq!(solver.enter(&[(a, 4)]).expect("valid"), 1);
        assert!(solver.enter(&[(a, 1)]).is_err(), "more mentees than announced");
        let done = solver.finish();
        assert_eq!((done.mentor_of, done.matched, done.total_score), (vec![None, Some(a)], 1, 4));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(1000))]
        #[test]
        fn incremental_is_optimal_in_any_order(p in small_problem(), seed in any::<u64>()) {
            let (best_total, best_lex) = brute(&p);
            let order = shuffled(p.n_mentees, seed);
            for o in [AssignOptions::default(), AssignOptions { max_matched: true }] {
                let a = incremental(&p, o, &order);
                prop_assert!(verify(&p, &o, &a).is_ok(), "{:?}", verify(&p, &o, &a));
                if o.max_matched {
                    prop_assert_eq!((a.matched, a.total_score), best_lex);
                } else {
                    prop_assert_eq!(a.total_score, best_total);
                }
            }
        }

        #[test]
        fn incremental_certificate_holds_on_medium_instances(p in medium_problem(), seed in any::<u64>()) {
            let order = shuffled(p.n_mentees, seed);
            for o in [AssignOptions::default(), AssignOptions { max_matched: true }] {
                let a = incremental(&p, o, &order);
                prop_assert!(verify(&p, &o, &a).is_ok(), "{:?}", verify(&p, &o, &a));
                prop_assert_eq!(a.total_score, assign(&p, &o).expect("valid").total_score);
            }
        }
    }
}
