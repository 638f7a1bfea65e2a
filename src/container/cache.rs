//! The per-user image cache: `<cache_dir>/oci/<algorithm>-<hex>/` per image digest (an unpacked root
//! filesystem, bundles made from it, a `last-used` stamp), Apptainer's own digest-keyed cache under
//! `<cache_dir>/apptainer`, all in 0700 folders. Entries appear by an atomic rename, so a reader never sees half
//! an image; one lock file serialises pulls and eviction. Past the size limit the least recently used entries
//! go, except those used within a grace period (a running job may still read them).

use super::ContainerError;
use crate::slurm::files;
use std::collections::HashSet;
use std::fs::File;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

/// Name of the stamp whose modification time is an entry's last use.
const STAMP: &str = "last-used";

/// The cache root.
#[derive(Debug, Clone)]
pub struct Cache {
    pub root: PathBuf,
}

/// One evictable item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub path: PathBuf,
    pub size: u64,
    pub used: SystemTime,
}

impl Cache {
    /// Opens (creates, 0700) the cache at `root`.
    pub fn open(root: &Path) -> Result<Self, ContainerError> {
        let cache = Self {
            root: root.to_path_buf(),
        };
        for dir in [cache.oci_dir(), cache.apptainer_dir()] {
            files::private_dir(&dir).map_err(|source| cache.err(source))?;
        }
        Ok(cache)
    }

    fn err(&self, source: std::io::Error) -> ContainerError {
        ContainerError::Cache {
            path: self.root.clone(),
            source,
        }
    }

    /// Unpacked OCI images, one folder per digest.
    pub fn oci_dir(&self) -> PathBuf {
        self.root.join("oci")
    }

    /// `APPTAINER_CACHEDIR`.
    pub fn apptainer_dir(&self) -> PathBuf {
        self.root.join("apptainer")
    }

    /// The entry of `digest` (`sha256:<hex>`); `None` for anything that is not a digest.
    pub fn entry(&self, digest: &str) -> Option<PathBuf> {
        let (algo, hex) = digest.trim().split_once(':')?;
        let ok = !algo.is_empty()
            && algo.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && hex.len() >= 32
            && hex.chars().all(|c| c.is_ascii_hexdigit());
        ok.then(|| {
            self.oci_dir()
                .join(format!("{algo}-{}", hex.to_ascii_lowercase()))
        })
    }

    /// Takes the cache lock (blocking) until the returned file is dropped.
    pub fn lock(&self) -> Result<File, ContainerError> {
        let file = files::append(&self.root.join(".lock")).map_err(|e| self.err(e))?;
        fs4::FileExt::lock(&file).map_err(|e| self.err(e))?;
        Ok(file)
    }

    /// Records a use of `entry` now.
    pub fn touch(&self, entry: &Path) -> Result<(), ContainerError> {
        files::replace(&entry.join(STAMP), b"").map_err(|e| self.err(e))
    }

    /// Every evictable item: image entries and Apptainer's cached SIFs and layers.
    pub fn items(&self) -> Vec<Item> {
        let mut out = Vec::new();
        let app = self.apptainer_dir().join("cache");
        for (dir, stamped) in [
            (self.oci_dir(), true),
            (app.join("oci-tmp"), false),
            (app.join("blob/blobs/sha256"), false),
        ] {
            let Ok(read) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in read.flatten() {
                let path = entry.path();
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                let meta_of = if stamped { path.join(STAMP) } else { path.clone() };
                let used = std::fs::symlink_metadata(&meta_of)
                    .and_then(|m| m.modified())
                    .unwrap_or(SystemTime::UNIX_EPOCH);
                out.push(Item {
                    size: disk_size(&path),
                    path,
                    used,
                });
            }
        }
        out
    }

    /// Evicts least recently used items until the cache fits `limit` bytes; `keep` and items used within
    /// `grace` stay. Returns the removed paths.
    pub fn evict(&self, limit: u64, keep: &Path, grace: Duration) -> Result<Vec<PathBuf>, ContainerError> {
        let items = self.items();
        let doomed = plan_eviction(&items, limit, keep, SystemTime::now(), grace);
        let mut removed = Vec::new();
        for i in doomed {
            let path = &items[i].path;
            // Renamed first: a half-removed entry is never taken for an image.
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let trash = path.with_file_name(format!(".evicted-{name}-{}", std::process::id()));
            std::fs::rename(path, &trash).map_err(|e| self.err(e))?;
            let gone = if trash.is_dir() {
                std::fs::remove_dir_all(&trash)
            } else {
                std::fs::remove_file(&trash)
            };
            gone.map_err(|e| self.err(e))?;
            removed.push(path.clone());
        }
        Ok(removed)
    }
}

/// Which items to evict (indexes, oldest first) so the rest fits `limit`.
pub fn plan_eviction(
    items: &[Item],
    limit: u64,
    keep: &Path,
    now: SystemTime,
    grace: Duration,
) -> Vec<usize> {
    let mut total: u64 = items.iter().map(|i| i.size).sum();
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| (items[i].used, items[i].path.clone()));
    let mut doomed = Vec::new();
    for i in order {
        if total <= limit {
            break;
        }
        let item = &items[i];
        let recent = now.duration_since(item.used).map_or(true, |age| age < grace);
        if item.path == keep || recent {
            continue;
        }
        total -= item.size;
        doomed.push(i);
    }
    doomed
}

/// Bytes on disk under `path`, each inode once (bundles hard-link the image's files).
pub fn disk_size(path: &Path) -> u64 {
    fn walk(path: &Path, seen: &mut HashSet<(u64, u64)>) -> u64 {
        let Ok(meta) = std::fs::symlink_metadata(path) else {
            return 0;
        };
        let mut size = if seen.insert((meta.dev(), meta.ino())) {
            meta.blocks() * 512
        } else {
            0
        };
        if meta.is_dir() {
            if let Ok(read) = std::fs::read_dir(path) {
                for entry in read.flatten() {
                    size += walk(&entry.path(), seen);
                }
            }
        }
        size
    }
    walk(path, &mut HashSet::new())
}

/// Parses a size: a whole number with an optional `K`, `M`, `G` or `T` (powers of 1024; `GiB`, `GB` alike).
pub fn parse_size(text: &str) -> Result<u64, ContainerError> {
    let t = text.trim();
    let bad = || ContainerError::BadSize(text.to_string());
    let (digits, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, ""),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    let shift = match unit
        .trim_end_matches(['B', 'b', 'i'])
        .to_ascii_uppercase()
        .as_str()
    {
        "" => 0,
        "K" => 10,
        "M" => 20,
        "G" => 30,
        "T" => 40,
        _ => return Err(bad()),
    };
    n.checked_mul(1u64 << shift).ok_or_else(bad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("50G").unwrap(), 50 << 30);
        assert_eq!(parse_size("800M").unwrap(), 800 << 20);
        assert_eq!(parse_size("1024").unwrap(), 1024);
        assert_eq!(parse_size("2GiB").unwrap(), 2 << 30);
        for bad in ["", "G", "-1G", "1.5G", "10X", "99999999999T"] {
            assert!(parse_size(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn digests_name_entries_and_nothing_else() {
        let c = Cache { root: "/c".into() };
        let hex = "a".repeat(64);
        assert_eq!(
            c.entry(&format!("sha256:{hex}")),
            Some(PathBuf::from(format!("/c/oci/sha256-{hex}")))
        );
        for bad in [
            "",
            "sha256:",
            "sha256:../../x",
            "../x:aaaa",
            &format!("sha256:{}/", "a".repeat(64)),
        ] {
            assert_eq!(c.entry(bad), None, "{bad}");
        }
    }

    #[test]
    fn eviction_removes_old_entries_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let cache = Cache::open(dir.path()).unwrap();
        let mut entries = Vec::new();
        for (i, age) in [(0, 3000u64), (1, 2000), (2, 1000)] {
            let e = cache.oci_dir().join(format!("sha256-{i}"));
            std::fs::create_dir_all(e.join("rootfs")).unwrap();
            std::fs::write(e.join("rootfs/blob"), vec![7u8; 64 * 1024]).unwrap();
            cache.touch(&e).unwrap();
            let f = File::options().write(true).open(e.join(STAMP)).unwrap();
            f.set_modified(SystemTime::now() - Duration::from_secs(age))
                .unwrap();
            entries.push(e);
        }
        let one = disk_size(&entries[0]);
        let removed = cache
            .evict(one * 2, &entries[0], Duration::from_secs(10))
            .unwrap();
        assert_eq!(
            removed,
            vec![entries[1].clone()],
            "the oldest is kept because it is in use"
        );
        assert!(entries[0].exists() && !entries[1].exists() && entries[2].exists());
        for private in [cache.oci_dir(), cache.apptainer_dir()] {
            let mode =
                std::os::unix::fs::PermissionsExt::mode(&std::fs::metadata(private).unwrap().permissions());
            assert_eq!(mode & 0o777, 0o700);
        }
    }

    fn items() -> impl Strategy<Value = Vec<Item>> {
        prop::collection::vec((1u64..1000, 0u64..5000), 0..12).prop_map(|v| {
            v.into_iter()
                .enumerate()
                .map(|(i, (size, age))| Item {
                    path: PathBuf::from(format!("/c/{i}")),
                    size,
                    used: SystemTime::UNIX_EPOCH + Duration::from_secs(10_000 - age),
                })
                .collect()
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn eviction_plan_is_minimal_and_safe(items in items(), limit in 0u64..6000, grace in 0u64..3000) {
            let keep = PathBuf::from("/c/0");
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000);
            let grace = Duration::from_secs(grace);
            let doomed = plan_eviction(&items, limit, &keep, now, grace);
            let removed: u64 = doomed.iter().map(|&i| items[i].size).sum();
            let total: u64 = items.iter().map(|i| i.size).sum();
            for &i in &doomed {
                prop_assert!(items[i].path != keep);
                prop_assert!(now.duration_since(items[i].used).unwrap() >= grace);
            }
            // It stops as soon as the rest fits, and only falls short when nothing else may go.
            if let Some(&last) = doomed.last() {
                prop_assert!(total - removed + items[last].size > limit);
            }
            if total - removed > limit {
                let left = items.iter().enumerate().filter(|(i, it)| {
                    !doomed.contains(i) && it.path != keep && now.duration_since(it.used).unwrap() >= grace
                }).count();
                prop_assert_eq!(left, 0);
            }
            // Oldest first: every evicted item is at least as old as every evictable survivor.
            for &d in &doomed {
                for (i, it) in items.iter().enumerate() {
                    if !doomed.contains(&i) && it.path != keep && now.duration_since(it.used).unwrap() >= grace
                        && total - removed > limit {
                        prop_assert!(items[d].used <= it.used);
                    }
                }
            }
        }
    }
}
