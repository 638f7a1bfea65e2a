//! `s3://bucket/key` as users type it: the bucket checked against S3's naming rules before any request, and
//! the key encoded for a path-style or virtual-host URL exactly as SigV4 signs it (every byte but the
//! unreserved ones and `/` percent-encoded), so spaces, `?`, `#`, `%` and unicode reach the server intact.

/// A bucket and a key (or prefix; empty for the whole bucket).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The bucket name.
    pub bucket: String,
    /// The key or prefix, as given (no decoding, no normalisation).
    pub key: String,
}

/// Why an `s3://` location is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LocationError {
    /// Not an `s3://` URL.
    #[error("`{0}` is not an S3 location")]
    NotS3(String),
    /// The bucket name breaks S3's rules.
    #[error("`{bucket}` is not a valid bucket name: {why}")]
    Bucket {
        /// The name given.
        bucket: String,
        /// The rule it breaks.
        why: &'static str,
    },
    /// A `.` or `..` path segment, which URLs resolve away before the server sees them.
    #[error("the key `{0}` has a `.` or `..` segment, which cannot be sent in an S3 URL path")]
    DotSegment(String),
    /// A key longer than S3 allows.
    #[error("the key is {0} bytes long; S3 keys are at most 1024 bytes")]
    TooLong(usize),
}

impl LocationError {
    /// How to fix it.
    pub fn hint(&self) -> String {
        match self {
            Self::NotS3(_) => "write it as `s3://bucket/key` (or `s3://bucket/prefix/` to list)".into(),
            Self::Bucket { .. } => {
                "bucket names are 3 to 63 lowercase letters, digits, `.` and `-`; list them with `devkit datalake collections`"
                    .into()
            }
            Self::DotSegment(_) => {
                "list the parent prefix with `devkit datalake ls`; for such a key use `aws s3api` with the devkit profile"
                    .into()
            }
            Self::TooLong(_) => "check the key: it was probably pasted twice".into(),
        }
    }
}

impl Location {
    /// Parses `s3://bucket[/key]`.
    pub fn parse(text: &str) -> Result<Self, LocationError> {
        let rest = text
            .strip_prefix("s3://")
            .ok_or_else(|| LocationError::NotS3(text.to_string()))?;
        let (bucket, key) = rest.split_once('/').unwrap_or((rest, ""));
        check_bucket(bucket)?;
        if key.len() > 1024 {
            return Err(LocationError::TooLong(key.len()));
        }
        Ok(Self {
            bucket: bucket.to_string(),
            key: key.to_string(),
        })
    }

    /// The key as a URL path below the bucket, each segment percent-encoded as SigV4 wants; refuses `.` and
    /// `..` segments (a URL library resolves them, so the signed path would not be the key).
    pub fn key_path(&self) -> Result<String, LocationError> {
        let segments: Vec<&str> = self.key.split('/').collect();
        if segments.iter().any(|s| *s == "." || *s == "..") {
            return Err(LocationError::DotSegment(self.key.clone()));
        }
        Ok(segments
            .iter()
            .map(|s| crate::secret::percent_encode(s))
            .collect::<Vec<_>>()
            .join("/"))
    }

    /// `s3://bucket/key`.
    pub fn display(&self) -> String {
        format!("s3://{}/{}", self.bucket, self.key)
    }
}

/// S3's bucket naming rules (the general-purpose ones; names from before 2018 with capitals are not accepted).
pub fn check_bucket(name: &str) -> Result<(), LocationError> {
    let fail = |why| {
        Err(LocationError::Bucket {
            bucket: name.to_string(),
            why,
        })
    };
    if name.is_empty() {
        return fail("it is empty");
    }
    if !(3..=63).contains(&name.len()) {
        return fail("it must be 3 to 63 characters long");
    }
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        return fail("only lowercase letters, digits, `.` and `-` are allowed");
    }
    let (first, last) = (name.as_bytes()[0], name.as_bytes()[name.len() - 1]);
    if !first.is_ascii_alphanumeric() || !last.is_ascii_alphanumeric() {
        return fail("it must begin and end with a letter or digit");
    }
    if name.contains("..") {
        return fail("two dots in a row are not allowed");
    }
    if name.split('.').count() == 4 && name.split('.').all(|p| p.parse::<u8>().is_ok()) {
        return fail("it must not look like an IP address");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn hostile_locations() {
        assert!(matches!(Location::parse("/tmp/x"), Err(LocationError::NotS3(_))));
        for bad in [
            "s3://",
            "s3://a b/k",
            "s3://../k",
            "s3://a..b/k",
            "s3://Bucket/k",
            "s3://ab/k",
            "s3://-ab/k",
            "s3://1.2.3.4/k",
        ] {
            assert!(
                matches!(Location::parse(bad), Err(LocationError::Bucket { .. })),
                "{bad}"
            );
        }
        let l = Location::parse("s3://my-bucket/a b/ünï ?#%+/x").unwrap();
        assert_eq!(l.key, "a b/ünï ?#%+/x");
        assert_eq!(l.key_path().unwrap(), "a%20b/%C3%BCn%C3%AF%20%3F%23%25%2B/x");
        for dots in ["s3://bkt/a/../b", "s3://bkt/..", "s3://bkt/./x"] {
            let l = Location::parse(dots).unwrap();
            assert!(
                matches!(l.key_path(), Err(LocationError::DotSegment(_))),
                "{dots}"
            );
        }
        assert_eq!(
            Location::parse("s3://bkt/a..b/..c").unwrap().key_path().unwrap(),
            "a..b/..c"
        );
    }

    fn decode(path: &str) -> String {
        let b = path.as_bytes();
        let mut out = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                out.push(u8::from_str_radix(&path[i + 1..i + 3], 16).unwrap());
                i += 3;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        String::from_utf8(out).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        /// Any key without dot segments survives encoding: decoding the path gives back the key, and the path
        /// holds only unreserved characters, `%` escapes and `/`.
        #[test]
        fn key_path_round_trips(key in "\\PC{0,40}") {
            let l = Location { bucket: "bkt".into(), key: key.clone() };
            if let Ok(path) = l.key_path() {
                prop_assert!(path.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._~%/".contains(&b)));
                prop_assert_eq!(decode(&path), key);
            }
        }
    }
}
