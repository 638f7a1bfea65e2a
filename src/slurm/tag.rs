//! The tag devkit puts in the `--comment` of every Slurm job it submits for a CI job: runner, project, pipeline
//! and job ids. The reaper acts only on jobs of the current user whose comment parses as such a tag, so it never
//! touches a job devkit did not submit for CI (`devkit slurm run` jobs, other tools, other users).

/// Identifies the CI job a Slurm job belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub struct CiTag {
    pub runner: u64,
    pub project: u64,
    pub pipeline: u64,
    pub job: u64,
}

const PREFIX: &str = "devkit-ci:";

impl CiTag {
    /// The comment text (only characters Slurm prints back unchanged).
    pub fn comment(&self) -> String {
        format!(
            "{PREFIX}runner={},project={},pipeline={},job={}",
            self.runner, self.project, self.pipeline, self.job
        )
    }

    /// Parses a comment; anything but an exact tag (all four ids, in order, nothing else) is `None`.
    pub fn parse(comment: &str) -> Option<Self> {
        let rest = comment.trim().strip_prefix(PREFIX)?;
        let mut ids = [0u64; 4];
        let mut fields = rest.split(',');
        for (slot, key) in ids.iter_mut().zip(["runner", "project", "pipeline", "job"]) {
            let value = fields.next()?.strip_prefix(key)?.strip_prefix('=')?;
            if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            *slot = value.parse().ok()?;
        }
        if fields.next().is_some() || ids[3] == 0 {
            return None;
        }
        Some(Self {
            runner: ids[0],
            project: ids[1],
            pipeline: ids[2],
            job: ids[3],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_over_many_ids() {
        // A bounded sweep over id shapes (zero, small, large, u64::MAX) in every position.
        let shapes = [0u64, 1, 9, 10, 77, 123_456_789, u64::MAX - 1, u64::MAX];
        for &runner in &shapes {
            for &project in &shapes {
                for &pipeline in &shapes {
                    for &job in &shapes[1..] {
                        let tag = CiTag {
                            runner,
                            project,
                            pipeline,
                            job,
                        };
                        assert_eq!(CiTag::parse(&tag.comment()), Some(tag));
                    }
                }
            }
        }
    }

    #[test]
    fn anything_else_is_not_a_tag() {
        for other in [
            "",
            "devkit ci_job=5 pipeline=7",
            "devkit_ci_job=5_pipeline=7_stage=build_script",
            "devkit-ci:runner=1,project=2,pipeline=3",
            "devkit-ci:runner=1,project=2,pipeline=3,job=0",
            "devkit-ci:runner=1,project=2,pipeline=3,job=4,extra=5",
            "devkit-ci:project=2,runner=1,pipeline=3,job=4",
            "devkit-ci:runner=1,project=-2,pipeline=3,job=4",
            "devkit-ci:runner=1,project=2,pipeline=3,job=4x",
            "devkit-ci:runner=1,project=2,pipeline=3,job=99999999999999999999999",
            "my-devkit-ci:runner=1,project=2,pipeline=3,job=4",
        ] {
            assert_eq!(CiTag::parse(other), None, "{other}");
        }
    }
}
