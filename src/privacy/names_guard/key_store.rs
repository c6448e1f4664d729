//! Where the name key is kept: outside the site folder, in the user's own
//! state folder, so the fingerprints the list cache stores beside the site
//! are worthless to whoever copies the site folder.
//!
//! `GONGSHI_KEY_DIR` overrides the place; otherwise `%LOCALAPPDATA%\gongshi`
//! on Windows, `$XDG_STATE_HOME/gongshi` or `~/.local/state/gongshi`
//! elsewhere. Without such a place (or when it lies inside the site) there
//! is no stored key and the cache keeps no names.

use super::NameKey;
use std::path::{Path, PathBuf};

const FILE: &str = "name-key";

/// The stored key, made on first use; None where no private place exists.
pub fn stored_key(site_root: &Path) -> Option<NameKey> {
    let dir = key_dir()?;
    let site = std::fs::canonicalize(site_root).ok()?;
    if std::fs::create_dir_all(&dir).is_err() {
        return None;
    }
    if std::fs::canonicalize(&dir).ok()?.starts_with(&site) {
        return None;
    }
    let file = dir.join(FILE);
    if let Some(key) = std::fs::read_to_string(&file).ok().and_then(|t| parse(&t)) {
        return Some(key);
    }
    let key = NameKey::random();
    let tmp = dir.join(format!("{FILE}.{}", std::process::id()));
    write_private(&tmp, &format!("{:016x}{:016x}\n", key.k0, key.k1)).ok()?;
    std::fs::rename(&tmp, &file).ok()?;
    // Two builds may have raced: use whichever key landed.
    std::fs::read_to_string(&file).ok().and_then(|t| parse(&t))
}

fn key_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(dir) = var("GONGSHI_KEY_DIR") {
        return Some(dir);
    }
    if cfg!(windows) {
        return var("LOCALAPPDATA").map(|d| d.join("gongshi"));
    }
    var("XDG_STATE_HOME").or_else(|| var("HOME").map(|h| h.join(".local/state"))).map(|d| d.join("gongshi"))
}

fn parse(text: &str) -> Option<NameKey> {
    let t = text.trim();
    if t.len() != 32 {
        return None;
    }
    let k0 = u64::from_str_radix(&t[..16], 16).ok()?;
    let k1 = u64::from_str_radix(&t[16..], 16).ok()?;
    Some(NameKey { k0, k1 })
}

/// Readable by its owner only.
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip_through_text() {
        let key = NameKey { k0: 1, k1: u64::MAX };
        assert!(parse(&format!("{:016x}{:016x}\n", key.k0, key.k1)) == Some(key));
        assert!(parse("abc").is_none());
    }
}
