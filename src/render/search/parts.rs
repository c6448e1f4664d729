//! Position shards split into parts. A shard is where FNV-1a puts a
//! bigram, so two bigrams found on nearly every page can share one, and a
//! reader searching for one of them would fetch both. A shard above
//! `PART_BYTES` holding several bigrams is written as `P` parts: bigram `g`
//! of shard `h` in part `(fnv1a(g) / S) % P`, the client computing the same
//! from the manifest's `P`.

/// A position shard above this many bytes is split, if it holds more than
/// one bigram; a part may be larger if all but its largest bigram make at
/// most a quarter of this.
const PART_BYTES: usize = 32 * 1024;
/// The most parts a shard is split into.
const MAX_PARTS: usize = 16;

/// One bigram's member of a shard's JSON object (`"key":"positions"`): its
/// FNV-1a hash and where it stands in the shard's bytes.
pub(super) struct Member {
    pub(super) hash: u32,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// The parts of a position shard (`bytes`, a JSON object of `members`):
/// the shard itself when it is small or holds one bigram, else the fewest
/// parts in which every part is small or one large bigram with little
/// else (the largest part as small as `MAX_PARTS` allows if none is).
pub(super) fn split(bytes: Vec<u8>, members: &[Member], shards: usize) -> Vec<Vec<u8>> {
    if bytes.len() <= PART_BYTES || members.len() < 2 {
        return vec![bytes];
    }
    let part_of = |m: &Member, parts: usize| (m.hash as usize / shards) % parts;
    // Each part's bytes and its largest bigram's.
    let sizes = |parts: usize| {
        let mut size = vec![(0usize, 0usize); parts];
        for m in members {
            let s = &mut size[part_of(m, parts)];
            *s = (s.0 + m.end - m.start + 1, s.1.max(m.end - m.start + 1));
        }
        size
    };
    let fits = |parts: usize| {
        sizes(parts).iter().all(|&(bytes, largest)| bytes <= PART_BYTES || bytes - largest <= PART_BYTES / 4)
    };
    let largest = |parts: usize| sizes(parts).iter().map(|s| s.0).max().unwrap_or(0);
    let parts = (2..=MAX_PARTS)
        .find(|&p| fits(p))
        .unwrap_or_else(|| (2..=MAX_PARTS).min_by_key(|&p| (largest(p), p)).unwrap_or(2));
    let mut out = vec![b"{".to_vec(); parts];
    for m in members {
        let part = &mut out[part_of(m, parts)];
        if part.len() > 1 {
            part.push(b',');
        }
        part.extend_from_slice(&bytes[m.start..m.end]);
    }
    for part in &mut out {
        part.push(b'}');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shard of these members (key, length of the positions, hash).
    fn shard(members: &[(&str, usize, u32)]) -> (Vec<u8>, Vec<Member>) {
        let (mut bytes, mut out) = (b"{".to_vec(), Vec::new());
        for &(key, len, hash) in members {
            if bytes.len() > 1 {
                bytes.push(b',');
            }
            let start = bytes.len();
            bytes.extend_from_slice(format!("\"{key}\":\"{}\"", "A".repeat(len)).as_bytes());
            out.push(Member { hash, start, end: bytes.len() });
        }
        bytes.push(b'}');
        (bytes, out)
    }

    fn keys(part: &[u8]) -> Vec<String> {
        let map: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(part).unwrap();
        map.keys().cloned().collect()
    }

    #[test]
    fn a_small_shard_or_a_single_bigram_stays_whole() {
        let (bytes, members) = shard(&[("a", 100, 1), ("b", 100, 2)]);
        assert_eq!(split(bytes.clone(), &members, 10), vec![bytes]);
        let (bytes, members) = shard(&[("a", 100_000, 1)]);
        assert_eq!(split(bytes.clone(), &members, 10), vec![bytes]);
    }

    #[test]
    fn two_large_bigrams_go_to_parts_of_their_own() {
        // Shard 3 of 10: hashes 3 and 13 give quotients 0 and 1.
        let (bytes, members) = shard(&[("a", 40_000, 3), ("b", 40_000, 13), ("c", 10, 23)]);
        let parts = split(bytes, &members, 10);
        assert_eq!(parts.len(), 2);
        assert_eq!(keys(&parts[0]), ["a", "c"]);
        assert_eq!(keys(&parts[1]), ["b"]);
    }

    #[test]
    fn more_parts_when_two_would_put_large_bigrams_together() {
        // Quotients 0, 2, 1: two parts would pair a and b.
        let (bytes, members) = shard(&[("a", 40_000, 3), ("b", 40_000, 23), ("c", 40_000, 13)]);
        let parts = split(bytes, &members, 10);
        assert_eq!(parts.len(), 3);
        assert_eq!(parts.iter().map(|p| keys(p)).collect::<Vec<_>>(), [["a"], ["c"], ["b"]]);
    }
}
