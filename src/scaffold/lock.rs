//! One devkit run at a time per destination: `init` and `update` hold an advisory lock on the destination's
//! parent folder (which serialises creating the destination, an existing empty folder included) and on the
//! destination itself when it exists, from before the first check until the last write. Folders are locked
//! through their own file descriptor, so nothing is created in the user's folders.

use super::ScaffoldError;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Locks held until dropped.
#[derive(Debug)]
pub struct DestLock {
    _held: Vec<File>,
}

impl DestLock {
    /// Locks `dest`; when another run holds it, calls `on_wait` once and waits for it.
    pub fn acquire(dest: &Path, on_wait: &mut dyn FnMut()) -> Result<Self, ScaffoldError> {
        let parent = match dest.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let mut held = Vec::new();
        let mut waited = false;
        for dir in [parent.as_path(), dest] {
            if !dir.is_dir() {
                continue;
            }
            let file = File::open(dir).map_err(|e| lock_err(dir, &e))?;
            match fs4::FileExt::try_lock(&file) {
                Ok(()) => {}
                Err(fs4::TryLockError::WouldBlock) => {
                    if !waited {
                        on_wait();
                        waited = true;
                    }
                    fs4::FileExt::lock(&file).map_err(|e| lock_err(dir, &e))?;
                }
                Err(fs4::TryLockError::Error(e)) => return Err(lock_err(dir, &e)),
            }
            held.push(file);
        }
        Ok(Self { _held: held })
    }
}

fn lock_err(dir: &Path, e: &std::io::Error) -> ScaffoldError {
    ScaffoldError::Write {
        path: dir.to_path_buf(),
        message: format!("cannot lock it against a concurrent run: {e}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_waits_for_the_first() {
        let tmp = tempfile::tempdir().unwrap();
        let dest = tmp.path().join("p");
        let first = DestLock::acquire(&dest, &mut || panic!("the first lock must not wait")).unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        let dest2 = dest.clone();
        let waiter = std::thread::spawn(move || {
            let mut told = false;
            let lock = DestLock::acquire(&dest2, &mut || told = true).unwrap();
            tx.send(told).unwrap();
            drop(lock);
        });
        assert!(rx.recv_timeout(std::time::Duration::from_millis(300)).is_err());
        drop(first);
        assert!(rx.recv_timeout(std::time::Duration::from_secs(10)).unwrap());
        waiter.join().unwrap();
    }
}
