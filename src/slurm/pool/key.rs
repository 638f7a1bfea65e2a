//! Who may use a pool: the key is the user, the project and the pipeline (or, for `devkit slurm run --reuse`,
//! a name the user chose) plus the resource class. It names the pool's private folder and is written in the
//! holder job's `--comment`, so a pool is never found, reused or released under another key.

/// The identity of a pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PoolKey {
    /// The Unix user (the pool folder is under their own builds folder too).
    pub uid: u32,
    /// GitLab project id; 0 for `--reuse` pools.
    pub project: u64,
    /// GitLab pipeline id; 0 for `--reuse` pools.
    pub pipeline: u64,
    /// The name given to `--reuse` (empty in CI).
    pub name: String,
    /// The resource class ([`super::PoolSpec::class`]).
    pub class: String,
}

const PREFIX: &str = "devkit-pool:";

fn safe(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
        && !text.starts_with('.')
}

impl PoolKey {
    /// A pipeline's pool.
    pub fn pipeline(uid: u32, project: u64, pipeline: u64, class: &str) -> Self {
        Self {
            uid,
            project,
            pipeline,
            name: String::new(),
            class: class.into(),
        }
    }

    /// A `--reuse NAME` pool; `None` when the name has characters outside `[A-Za-z0-9._-]`.
    pub fn named(uid: u32, name: &str, class: &str) -> Option<Self> {
        safe(name).then(|| Self {
            uid,
            project: 0,
            pipeline: 0,
            name: name.into(),
            class: class.into(),
        })
    }

    /// The folder name of the pool (one folder per key).
    pub fn dir_name(&self) -> String {
        if self.name.is_empty() {
            format!(
                "u{}-p{}-l{}-{}",
                self.uid, self.project, self.pipeline, self.class
            )
        } else {
            format!("u{}-n{}-{}", self.uid, self.name, self.class)
        }
    }

    /// The holder's `--comment`.
    pub fn comment(&self) -> String {
        format!(
            "{PREFIX}uid={},project={},pipeline={},name={},class={}",
            self.uid, self.project, self.pipeline, self.name, self.class
        )
    }

    /// Parses a holder's comment; anything but an exact pool tag is `None`.
    pub fn parse(comment: &str) -> Option<Self> {
        let rest = comment.trim().strip_prefix(PREFIX)?;
        let mut f = rest.split(',');
        let mut field = |k: &str| f.next()?.strip_prefix(k)?.strip_prefix('=').map(str::to_string);
        let num = |v: String| -> Option<u64> {
            (!v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
                .then(|| v.parse().ok())
                .flatten()
        };
        let uid = u32::try_from(num(field("uid")?)?).ok()?;
        let project = num(field("project")?)?;
        let pipeline = num(field("pipeline")?)?;
        let name = field("name")?;
        let class = field("class")?;
        if f.next().is_some() || !safe(&class) || !(name.is_empty() || safe(&name)) {
            return None;
        }
        Some(Self {
            uid,
            project,
            pipeline,
            name,
            class,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn tags_round_trip(uid in any::<u32>(), p in any::<u64>(), l in any::<u64>(), class in "[0-9a-f]{8}") {
            let k = PoolKey::pipeline(uid, p, l, &class);
            prop_assert_eq!(PoolKey::parse(&k.comment()), Some(k));
        }

        /// Different keys never share a folder.
        #[test]
        fn distinct_keys_distinct_folders(a in (0u32..3, 0u64..3, 0u64..3), b in (0u32..3, 0u64..3, 0u64..3)) {
            let x = PoolKey::pipeline(a.0, a.1, a.2, "c");
            let y = PoolKey::pipeline(b.0, b.1, b.2, "c");
            prop_assert_eq!(x.dir_name() == y.dir_name(), x == y);
        }
    }

    #[test]
    fn hostile_names_are_refused() {
        for bad in ["", "../x", "a/b", ".hidden", "a b", "$(id)", &"x".repeat(65)] {
            assert!(PoolKey::named(0, bad, "c").is_none(), "{bad}");
        }
        assert!(PoolKey::named(0, "my-work_1", "c").is_some());
        for bad in [
            "devkit-ci:runner=1,project=2,pipeline=3,job=4",
            "devkit-pool:uid=0,project=1,pipeline=2,name=,class=../x",
            "devkit-pool:uid=0,project=1,pipeline=2,name=,class=c,extra=1",
            "devkit-pool:uid=0,project=-1,pipeline=2,name=,class=c",
        ] {
            assert_eq!(PoolKey::parse(bad), None, "{bad}");
        }
    }
}
