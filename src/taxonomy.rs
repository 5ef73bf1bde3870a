//! The UK SIC 2007 hierarchy: section > division > group > class > subclass.
//!
//! The table is the real one (ONS structure plus the Companies House
//! five-digit subclasses), bundled from `data/sic2007.csv` and parsed once
//! per [`Taxonomy::uk_sic_2007`] call, so the crate needs no files at run time.

use std::collections::HashMap;

/// The bundled SIC 2007 table; see `data/README.md` for its source and licence.
const SIC2007_CSV: &str = include_str!("../data/sic2007.csv");

/// Dense index of a code in the [`Taxonomy`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SicIdx(pub u16);

/// Depth of a code in the hierarchy, from the broadest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SicLevel {
    /// A letter, `Q`.
    Section,
    /// Two digits, `86`.
    Division,
    /// Three digits, written `86.2`.
    Group,
    /// Four digits, written `86.21`.
    Class,
    /// Five digits, `86210` (UK subclass as used by Companies House).
    Subclass,
}

impl SicLevel {
    /// How many levels lie above this one (0 for a section).
    pub fn depth(self) -> usize {
        self as usize
    }

    fn parse(name: &str) -> Option<SicLevel> {
        Some(match name {
            "section" => SicLevel::Section,
            "division" => SicLevel::Division,
            "group" => SicLevel::Group,
            "class" => SicLevel::Class,
            "subclass" => SicLevel::Subclass,
            _ => return None,
        })
    }
}

/// One code of the hierarchy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SicNode {
    /// The code as written in data files (`Q`, `86`, `86.2`, `86.21`, `86210`).
    pub code: String,
    /// Its level.
    pub level: SicLevel,
    /// The code one level up; `None` for sections.
    pub parent: Option<SicIdx>,
    /// Official title.
    pub description: String,
}

/// The SIC 2007 hierarchy, indexed for lookup and ancestry questions.
#[derive(Clone, Debug)]
pub struct Taxonomy {
    /// Every code, in tree order (a parent always comes before its children).
    pub nodes: Vec<SicNode>,
    by_code: HashMap<String, SicIdx>,
    /// `ancestors[i][d]` is the ancestor of node `i` at depth `d` (itself at its own depth).
    ancestors: Vec<[SicIdx; 5]>,
}

impl Taxonomy {
    /// The UK SIC 2007 table bundled with the crate.
    ///
    /// # Panics
    ///
    /// Never in a released build: the bundled table is checked by a unit test.
    pub fn uk_sic_2007() -> Taxonomy {
        Taxonomy::from_csv(SIC2007_CSV).expect("bundled SIC 2007 table is valid")
    }

    /// Builds a taxonomy from CSV text with columns `code,level,parent,description,section`,
    /// parents listed before their children.
    fn from_csv(text: &str) -> Result<Taxonomy, String> {
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let mut nodes: Vec<SicNode> = Vec::new();
        let mut by_code: HashMap<String, SicIdx> = HashMap::new();
        let mut ancestors: Vec<[SicIdx; 5]> = Vec::new();
        for (row, record) in reader.records().enumerate() {
            let record = record.map_err(|e| e.to_string())?;
            let line = row + 2;
            let code = record.get(0).unwrap_or_default().to_string();
            let level =
                SicLevel::parse(record.get(1).unwrap_or_default()).ok_or_else(|| format!("line {line}: bad level"))?;
            let parent = match record.get(2).unwrap_or_default() {
                "" => None,
                p => Some(*by_code.get(p).ok_or_else(|| format!("line {line}: unknown parent {p}"))?),
            };
            let idx = SicIdx(u16::try_from(nodes.len()).map_err(|_| "too many codes".to_string())?);
            let mut chain = [idx; 5];
            if let Some(parent) = parent {
                let parent_node: &SicNode = &nodes[usize::from(parent.0)];
                if parent_node.level.depth() + 1 != level.depth() {
                    return Err(format!("line {line}: parent {} is not one level up", parent_node.code));
                }
                chain = ancestors[usize::from(parent.0)];
            } else if level != SicLevel::Section {
                return Err(format!("line {line}: only sections have no parent"));
            }
            for slot in chain.iter_mut().skip(level.depth()) {
                *slot = idx;
            }
            ancestors.push(chain);
            if by_code.insert(code.clone(), idx).is_some() {
                return Err(format!("line {line}: duplicate code {code}"));
            }
            let description = record.get(3).unwrap_or_default().to_string();
            nodes.push(SicNode { code, level, parent, description });
        }
        Ok(Taxonomy { nodes, by_code, ancestors })
    }

    /// The index of `code`, written as in data files (`Q`, `86`, `86.2`, `86.21`, `86210`).
    pub fn lookup(&self, code: &str) -> Option<SicIdx> {
        self.by_code.get(code).copied()
    }

    /// The node at `idx`.
    ///
    /// # Panics
    ///
    /// If `idx` did not come from this taxonomy.
    pub fn node(&self, idx: SicIdx) -> &SicNode {
        &self.nodes[usize::from(idx.0)]
    }

    /// The ancestor of `idx` at `level`, or `None` if `idx` is above that level.
    pub fn ancestor_at(&self, idx: SicIdx, level: SicLevel) -> Option<SicIdx> {
        let node = self.node(idx);
        (level <= node.level).then(|| self.ancestors[usize::from(idx.0)][level.depth()])
    }

    /// The section (letter) that `idx` belongs to.
    pub fn section_of(&self, idx: SicIdx) -> SicIdx {
        self.ancestors[usize::from(idx.0)][0]
    }

    /// The deepest level at which `a` and `b` share an ancestor, or `None`
    /// when they lie in different sections.
    ///
    /// When one code contains the other (`86` and `86.21`), this is the
    /// level of the broader one.
    pub fn common_level(&self, a: SicIdx, b: SicIdx) -> Option<SicLevel> {
        let depth = self.node(a).level.min(self.node(b).level);
        let (chain_a, chain_b) = (&self.ancestors[usize::from(a.0)], &self.ancestors[usize::from(b.0)]);
        [SicLevel::Subclass, SicLevel::Class, SicLevel::Group, SicLevel::Division, SicLevel::Section]
            .into_iter()
            .filter(|level| *level <= depth)
            .find(|level| chain_a[level.depth()] == chain_b[level.depth()])
    }

    /// Whether `inner` is `outer` or lies below it (`86.21` is within `Q` and `86`).
    pub fn is_within(&self, inner: SicIdx, outer: SicIdx) -> bool {
        self.ancestor_at(inner, self.node(outer).level) == Some(outer)
    }

    /// All codes at `level`, in tree order.
    pub fn codes_at(&self, level: SicLevel) -> impl Iterator<Item = SicIdx> + '_ {
        self.nodes.iter().enumerate().filter(move |(_, node)| node.level == level).map(|(i, _)| SicIdx(i as u16))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_table_has_the_official_counts() {
        let t = Taxonomy::uk_sic_2007();
        let count = |level| t.codes_at(level).count();
        assert_eq!(count(SicLevel::Section), 21);
        assert_eq!(count(SicLevel::Division), 88);
        assert_eq!(count(SicLevel::Group), 272);
        assert_eq!(count(SicLevel::Class), 615);
        assert_eq!(count(SicLevel::Subclass), 728);
    }

    #[test]
    fn ancestry_follows_the_published_structure() {
        let t = Taxonomy::uk_sic_2007();
        let idx = |c| t.lookup(c).unwrap();
        assert_eq!(t.section_of(idx("86210")), idx("Q"));
        assert_eq!(t.ancestor_at(idx("86210"), SicLevel::Group), Some(idx("86.2")));
        assert_eq!(t.ancestor_at(idx("86"), SicLevel::Class), None);
        assert_eq!(t.common_level(idx("86.21"), idx("86.22")), Some(SicLevel::Group));
        assert_eq!(t.common_level(idx("86.21"), idx("87")), Some(SicLevel::Section));
        assert_eq!(t.common_level(idx("86"), idx("86.21")), Some(SicLevel::Division));
        assert_eq!(t.common_level(idx("86"), idx("47")), None);
        assert!(t.is_within(idx("86.21"), idx("Q")));
        assert!(!t.is_within(idx("Q"), idx("86.21")));
        assert_eq!(t.node(idx("Q")).description, "Human health and social work activities");
        assert_eq!(t.lookup("8621"), None);
    }
}
