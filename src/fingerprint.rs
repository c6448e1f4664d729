//! FNV-1a 64-bit: a small hash whose values never change between builds
//! or toolchains, for cache keys and stored name fingerprints.

#[derive(Debug, Clone, Copy)]
pub struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    pub fn bytes(mut self, b: &[u8]) -> Self {
        for &x in b {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
        // A separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        self
    }

    /// For large inputs (data files, megabytes): eight bytes a step, with a
    /// rotation so every input bit reaches the low bits. Stable like the
    /// rest, but not interchangeable with `bytes` on the same input.
    pub fn bulk(mut self, b: &[u8]) -> Self {
        let mut words = b.chunks_exact(8);
        for w in &mut words {
            self = self.word(u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]));
        }
        self.bytes(words.remainder()).bytes(&(b.len() as u64).to_le_bytes())
    }

    /// Goes on from a value `finish` gave (a digest kept between calls).
    pub fn resume(state: u64) -> Self {
        Fnv(state)
    }

    /// Mixes in a whole word at once (`bulk`'s step).
    pub fn word(self, w: u64) -> Self {
        Fnv((self.0 ^ w).wrapping_mul(WORD_MUL).rotate_left(29))
    }

    pub fn str(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    pub fn finish(self) -> u64 {
        self.0
    }

    /// A file's size, modification time and, where the system keeps one,
    /// file number: what changes when a file is written or replaced. For
    /// published files, whose change time also moves when `publish` links
    /// them into a target folder.
    pub fn file_version(self, meta: &std::fs::Metadata) -> Self {
        let h = self.bytes(&meta.len().to_le_bytes()).bytes(&nanos(meta.modified()).to_le_bytes());
        #[cfg(unix)]
        let h = {
            use std::os::unix::fs::MetadataExt;
            h.bytes(&meta.ino().to_le_bytes()).bytes(&meta.dev().to_le_bytes())
        };
        #[cfg(not(unix))]
        let h = h.bytes(&nanos(meta.created()).to_le_bytes());
        h
    }

    /// `file_version` and, where the system keeps one, the change time,
    /// which cannot be set back by hand: a site's file copied over with its
    /// old date (`cp -p`, `touch -r`) still counts as changed.
    pub fn file_times(self, meta: &std::fs::Metadata) -> Self {
        let h = self.file_version(meta);
        #[cfg(unix)]
        let h = {
            use std::os::unix::fs::MetadataExt;
            h.bytes(&meta.ctime().to_le_bytes()).bytes(&meta.ctime_nsec().to_le_bytes())
        };
        h
    }
}

fn nanos(t: std::io::Result<std::time::SystemTime>) -> u128 {
    t.ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).map_or(0, |d| d.as_nanos())
}

/// As a `Hasher` for hash maps keyed by short strings (IDs, names), where
/// it is several times cheaper than the default SipHash.
impl std::hash::Hasher for Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &x in bytes {
            self.0 ^= u64::from(x);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type FnvBuildHasher = std::hash::BuildHasherDefault<Fnv>;

/// For sets of paths (a county's rebuild checks 29,000 letter paths of 60
/// bytes against its manifest): eight bytes a step, several times cheaper
/// than `Fnv`'s byte loop, then mixed so every bit reaches the hash table's
/// tag and index bits. In memory only: its values are never stored.
#[derive(Debug, Default, Clone, Copy)]
pub struct WordHasher(u64);

const WORD_MUL: u64 = 0x9e37_79b9_7f4a_7c15;

impl std::hash::Hasher for WordHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut h = self.0;
        let mut words = bytes.chunks_exact(8);
        for w in &mut words {
            let w = u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]);
            h = (h ^ w).wrapping_mul(WORD_MUL).rotate_left(29);
        }
        let rest = words.remainder();
        let mut last = [0u8; 8];
        last[..rest.len()].copy_from_slice(rest);
        // The length, so "a" and "a\0" differ.
        let last = u64::from_le_bytes(last) ^ ((bytes.len() as u64) << 56);
        self.0 = (h ^ last).wrapping_mul(WORD_MUL).rotate_left(29);
    }

    fn finish(&self) -> u64 {
        // MurmurHash3's finaliser.
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x = x.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        x ^ (x >> 33)
    }
}

pub type WordBuildHasher = std::hash::BuildHasherDefault<WordHasher>;

/// For maps keyed by values that are already hashes (the keyed SipHash
/// fingerprints of IDs and names): the key is its own hash, nothing is
/// hashed again.
#[derive(Debug, Default, Clone, Copy)]
pub struct Prehashed(u64);

impl std::hash::Hasher for Prehashed {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 ^= n;
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

pub type PrehashedBuild = std::hash::BuildHasherDefault<Prehashed>;

pub fn of(s: &str) -> u64 {
    Fnv::default().str(s).finish()
}

#[cfg(test)]
mod tests {
    const GOLDEN: [u64; 3] = [12638352127299873646, 9956606774236409459, 9882769797931514490];

    #[test]
    fn stable_values() {
        // Golden values: the on-disk cache and manifests are keyed by these.
        // A change here invalidates every site's cache; change on purpose only.
        assert_eq!(super::of(""), GOLDEN[0]);
        assert_eq!(super::of("张小明"), GOLDEN[1]);
        assert_eq!(super::Fnv::default().bulk(&[7u8; 37]).finish(), GOLDEN[2]);
        assert_ne!(super::of("张小明"), super::of("张小朋"));
        let a = super::Fnv::default().str("ab").str("c").finish();
        let b = super::Fnv::default().str("a").str("bc").finish();
        assert_ne!(a, b);
    }

    #[test]
    fn bulk_sees_every_byte_and_the_length() {
        let data: Vec<u8> = (0..1000u32).map(|i| (i * 7) as u8).collect();
        let h = |d: &[u8]| super::Fnv::default().bulk(d).finish();
        assert_eq!(h(&data), h(&data.clone()));
        for i in [0, 3, 7, 8, 500, 995, 999] {
            let mut changed = data.clone();
            changed[i] ^= 0x80;
            assert_ne!(h(&data), h(&changed), "byte {i}");
        }
        assert_ne!(h(&data[..16]), h(&[&data[..16], &[0u8][..]].concat()), "a trailing zero byte counts");
    }
}
