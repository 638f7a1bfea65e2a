//! An offset-based follower of a job's output file: each poll reads from the last byte offset to the end and
//! hands over complete lines only, so output arrives complete and in order; `finish` flushes a last partial line.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::PathBuf;

/// Follows one file by byte offset. The file is reopened on each poll so that on network file systems the
/// client sees the size other nodes wrote.
#[derive(Debug)]
pub struct Follower {
    path: PathBuf,
    offset: u64,
    pending: Vec<u8>,
    buf: Vec<u8>,
}

impl Follower {
    /// A follower starting at the beginning of `path` (which may not exist yet).
    pub fn new(path: PathBuf) -> Self {
        Self {
            path,
            offset: 0,
            pending: Vec::new(),
            buf: vec![0; 64 * 1024],
        }
    }

    /// Bytes read so far.
    pub fn offset(&self) -> u64 {
        self.offset
    }

    /// Reads what was appended since the last poll and passes complete lines to `sink`. Returns the number of
    /// bytes read. A missing file is not an error (the job has not written yet).
    pub fn poll(&mut self, sink: &mut dyn FnMut(&[u8])) -> std::io::Result<usize> {
        let mut file = match File::open(&self.path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
            Err(e) => return Err(e),
        };
        let len = file.metadata()?.len();
        if len < self.offset {
            // Truncated (a requeued job with --open-mode=truncate): start over.
            self.offset = 0;
        }
        if len == self.offset {
            return Ok(0);
        }
        file.seek(SeekFrom::Start(self.offset))?;
        let mut total = 0;
        loop {
            let n = file.read(&mut self.buf)?;
            if n == 0 {
                break;
            }
            total += n;
            self.offset += n as u64;
            let chunk = &self.buf[..n];
            match chunk.iter().rposition(|&b| b == b'\n') {
                Some(last) => {
                    self.pending.extend_from_slice(&chunk[..=last]);
                    sink(&self.pending);
                    self.pending.clear();
                    self.pending.extend_from_slice(&chunk[last + 1..]);
                }
                None => self.pending.extend_from_slice(chunk),
            }
        }
        Ok(total)
    }

    /// Reads what is left and flushes a trailing partial line.
    pub fn finish(&mut self, sink: &mut dyn FnMut(&[u8])) -> std::io::Result<()> {
        self.poll(sink)?;
        if !self.pending.is_empty() {
            sink(&self.pending);
            self.pending.clear();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn delivers_complete_lines_in_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out");
        let mut f = Follower::new(path.clone());
        let mut got = Vec::new();
        assert_eq!(f.poll(&mut |b| got.extend_from_slice(b)).unwrap(), 0);
        let mut file = std::fs::File::create(&path).unwrap();
        file.write_all(b"one\ntw").unwrap();
        f.poll(&mut |b| got.extend_from_slice(b)).unwrap();
        assert_eq!(got, b"one\n");
        file.write_all(b"o\nthree").unwrap();
        f.poll(&mut |b| got.extend_from_slice(b)).unwrap();
        assert_eq!(got, b"one\ntwo\n");
        f.finish(&mut |b| got.extend_from_slice(b)).unwrap();
        assert_eq!(got, b"one\ntwo\nthree");
        assert_eq!(f.offset(), 13);
    }
}
