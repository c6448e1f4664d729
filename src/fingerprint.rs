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

    pub fn str(self, s: &str) -> Self {
        self.bytes(s.as_bytes())
    }

    pub fn finish(self) -> u64 {
        self.0
    }
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

pub fn of(s: &str) -> u64 {
    Fnv::default().str(s).finish()
}

#[cfg(test)]
mod tests {
    #[test]
    fn stable_values() {
        assert_eq!(super::of("张小明"), super::of("张小明"));
        assert_ne!(super::of("张小明"), super::of("张小朋"));
        let a = super::Fnv::default().str("ab").str("c").finish();
        let b = super::Fnv::default().str("a").str("bc").finish();
        assert_ne!(a, b);
    }
}
