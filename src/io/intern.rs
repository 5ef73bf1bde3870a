//! Interning ids into dense indices, and the hash every id map of `io`
//! uses.
//!
//! Ids come from the user's own files, are short, and are looked up
//! millions of times while a large file is read: a keyed hash (SipHash, the
//! `std` default) guards against inputs crafted to collide, which these are
//! not, and was a large share of reading time. The hash here is a
//! multiply-rotate over 8-byte words with a final avalanche, and the
//! interner keeps short ids inside its table slots, so that a lookup costs
//! one cache miss rather than two.

use std::hash::{BuildHasherDefault, Hasher};

/// Marks a vacant interner slot; no interned index reaches it.
pub(crate) const VACANT_INDEX: u32 = u32::MAX;

/// Ids up to this many bytes are compared inside the table slot, which saves
/// a second cache miss per lookup; typical ids (`p123456`, UUID prefixes)
/// fit.
const INLINE: usize = 19;

/// One open-addressing slot: exactly half a cache line.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Slot {
    hash: u64,
    index: u32,
    /// Length of an inline id, or `u8::MAX` for a longer one kept in `ids`.
    len: u8,
    bytes: [u8; INLINE],
}

const VACANT: Slot = Slot { hash: 0, index: VACANT_INDEX, len: 0, bytes: [0; INLINE] };

/// Multiplier of the word-at-a-time mixing step.
const K: u64 = 0x517c_c1b7_2722_0a95;

/// One mixing step: rotate, add a word, multiply.
fn mix(h: u64, word: u64) -> u64 {
    (h.rotate_left(5) ^ word).wrapping_mul(K)
}

/// Mixes `bytes` into `h`, 8 bytes at a time, the tail zero-padded.
fn mix_bytes(mut h: u64, bytes: &[u8]) -> u64 {
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        h = mix(h, u64::from_le_bytes(word));
    }
    let rest = chunks.remainder();
    let mut word = [0u8; 8];
    word[..rest.len()].copy_from_slice(rest);
    mix(h, u64::from_le_bytes(word))
}

/// The final avalanche. The multiplies leave the low bits depending on the
/// first words only, and hash tables index by low bits: fold the high bits
/// down.
fn finish(mut h: u64) -> u64 {
    h ^= h >> 32;
    h = h.wrapping_mul(0xd6e8_feb8_6659_fd93);
    h ^ (h >> 29)
}

/// The hash of an id's bytes.
fn hash_id(bytes: &[u8]) -> u64 {
    finish(mix_bytes((bytes.len() as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15), bytes))
}

/// A [`Hasher`] for the id maps of `io` (ids and tuples of dense indices):
/// fast and unkeyed, see the module documentation for why that is safe here.
#[derive(Clone, Copy, Debug, Default)]
pub struct IdHasher {
    state: u64,
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        self.state = mix_bytes(mix(self.state, bytes.len() as u64), bytes);
    }

    fn write_u8(&mut self, value: u8) {
        self.state = mix(self.state, u64::from(value));
    }

    fn write_u16(&mut self, value: u16) {
        self.state = mix(self.state, u64::from(value));
    }

    fn write_u32(&mut self, value: u32) {
        self.state = mix(self.state, u64::from(value));
    }

    fn write_u64(&mut self, value: u64) {
        self.state = mix(self.state, value);
    }

    fn write_usize(&mut self, value: usize) {
        self.state = mix(self.state, value as u64);
    }

    fn finish(&self) -> u64 {
        finish(self.state)
    }
}

/// Builds [`IdHasher`]s: the `S` of the `HashMap`s keyed by ids or indices.
pub type IdHashBuilder = BuildHasherDefault<IdHasher>;

/// Ids interned to dense indices `0..len()` in first-seen order.
///
/// A linear-probing table of 32-byte slots, at most half full, holding each
/// id's full hash and, for ids of up to 19 bytes, the id itself: a lookup
/// usually costs one cache miss.
#[derive(Clone)]
pub struct Interner {
    slots: Vec<Slot>,
    ids: Vec<Box<str>>,
}

impl Default for Interner {
    fn default() -> Self {
        Interner { slots: vec![VACANT; 1024], ids: Vec::new() }
    }
}

impl Interner {
    /// Number of ids interned.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no id was interned.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// The id with index `index`.
    ///
    /// # Panics
    ///
    /// If `index >= self.len()`.
    pub fn id(&self, index: u32) -> &str {
        &self.ids[index as usize]
    }

    /// The slot holding `id`, or the vacant slot where it would go.
    fn probe(&self, id: &[u8], hash: u64) -> usize {
        let mask = self.slots.len() - 1;
        // A short id padded like the slots compares as one fixed-size array.
        let mut key = [0u8; INLINE];
        let short = id.len() <= INLINE;
        if short {
            key[..id.len()].copy_from_slice(id);
        }
        let mut pos = hash as usize & mask;
        loop {
            let slot = &self.slots[pos];
            if slot.index == VACANT_INDEX {
                return pos;
            }
            if slot.hash == hash {
                let same = if short {
                    usize::from(slot.len) == id.len() && slot.bytes == key
                } else {
                    slot.len == u8::MAX && self.ids[slot.index as usize].as_bytes() == id
                };
                if same {
                    return pos;
                }
            }
            pos = (pos + 1) & mask;
        }
    }

    /// The index of `id`, if it was interned.
    pub fn get(&self, id: &str) -> Option<u32> {
        let slot = self.slots[self.probe(id.as_bytes(), hash_id(id.as_bytes()))];
        (slot.index != VACANT_INDEX).then_some(slot.index)
    }

    /// The index of `id`, interning it if it is new; `None` only when
    /// `u32::MAX - 1` ids are already interned.
    pub fn intern(&mut self, id: &str) -> Option<u32> {
        let hash = hash_id(id.as_bytes());
        let pos = self.probe(id.as_bytes(), hash);
        if self.slots[pos].index != VACANT_INDEX {
            return Some(self.slots[pos].index);
        }
        let index = u32::try_from(self.ids.len()).ok().filter(|&i| i < VACANT_INDEX - 1)?;
        let mut slot = Slot { hash, index, len: u8::MAX, bytes: [0; INLINE] };
        if id.len() <= INLINE {
            slot.len = id.len() as u8;
            slot.bytes[..id.len()].copy_from_slice(id.as_bytes());
        }
        self.slots[pos] = slot;
        self.ids.push(id.into());
        if self.ids.len() * 2 > self.slots.len() {
            self.grow();
        }
        Some(index)
    }

    fn grow(&mut self) {
        let doubled = vec![VACANT; self.slots.len() * 2];
        let old = std::mem::replace(&mut self.slots, doubled);
        let mask = self.slots.len() - 1;
        for slot in old.into_iter().filter(|s| s.index != VACANT_INDEX) {
            let mut pos = slot.hash as usize & mask;
            while self.slots[pos].index != VACANT_INDEX {
                pos = (pos + 1) & mask;
            }
            self.slots[pos] = slot;
        }
    }

    /// The ids sorted (bytewise), and for each first-seen index its index in
    /// that order.
    pub fn into_sorted(self) -> (Vec<String>, Vec<u32>) {
        let mut order: Vec<u32> = (0..self.ids.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| self.ids[a as usize].cmp(&self.ids[b as usize]));
        let mut new_index = vec![0u32; order.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old as usize] = new as u32;
        }
        let mut ids: Vec<Option<Box<str>>> = self.ids.into_iter().map(Some).collect();
        let sorted = order.iter().map(|&old| ids[old as usize].take().map(String::from).unwrap_or_default()).collect();
        (sorted, new_index)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::hash::BuildHasher;

    #[test]
    fn interner_numbers_ids_in_first_seen_order_then_sorts_them() {
        let mut ids = Interner::default();
        let long = "an-id-longer-than-nineteen-bytes";
        let words: Vec<String> = (0..3000).map(|i| format!("p{}", 7919 * i % 3001)).collect();
        for (i, word) in words.iter().enumerate() {
            assert_eq!(ids.intern(word), Some(i as u32));
        }
        assert_eq!(ids.intern(long), Some(3000));
        assert_eq!(ids.intern("p0"), Some(0));
        assert_eq!((ids.get(long), ids.get("nope"), ids.len()), (Some(3000), None, 3001));
        let (sorted, new_index) = ids.into_sorted();
        assert!(sorted.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(sorted[new_index[3000] as usize], long);
    }

    #[test]
    fn hasher_spreads_small_keys_over_low_bits() {
        let build = IdHashBuilder::default();
        let mut low: Vec<u64> = (0u32..1024).map(|i| build.hash_one((i, i + 1)) & 1023).collect();
        low.sort_unstable();
        low.dedup();
        // A uniform hash fills about 1 - 1/e of the buckets.
        assert!(low.len() > 600, "{}", low.len());
    }
}
