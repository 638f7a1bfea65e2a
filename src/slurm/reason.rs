//! Pending reasons, sorted into what devkit should do about them: keep waiting, say which limit holds the job,
//! or give up at once because the job can never start as submitted (waiting would only eat the CI timeout).

/// What a pending reason means for the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReasonClass {
    /// The normal wait for resources, priority, a start time, a dependency.
    Wait,
    /// A quota or limit that frees up when other jobs end.
    Limit,
    /// The job cannot run as submitted (time or node limit of the partition, bad account or QoS, ...).
    Impossible,
    /// Held by a user or an administrator, or an infrastructure problem; worth a retry later.
    Held,
}

/// Classifies a Slurm pending reason (`squeue -o %r`).
pub fn classify(reason: &str) -> ReasonClass {
    const IMPOSSIBLE: &[&str] = &[
        "PartitionTimeLimit",
        "PartitionNodeLimit",
        "PartitionConfig",
        "InvalidAccount",
        "InvalidQOS",
        "QOSNotAllowed",
        "AccountNotAllowed",
        "BadConstraints",
        "DependencyNeverSatisfied",
        "ReservationDeleted",
    ];
    const HELD: &[&str] = &[
        "JobHeldUser",
        "JobHeldAdmin",
        "JobHoldMaxRequeue",
        "PartitionDown",
        "PartitionInactive",
        "NodeDown",
        "SystemFailure",
        "JobLaunchFailure",
    ];
    let base = reason.split([' ', ',', '(']).next().unwrap_or(reason);
    if IMPOSSIBLE.contains(&base)
        || (base.ends_with("PerJobLimit")
            && (base.contains("MaxWallDuration") || base.contains("MaxNode") || base.contains("MaxCpu")))
        || base.starts_with("QOSMin")
    {
        ReasonClass::Impossible
    } else if HELD.contains(&base) {
        ReasonClass::Held
    } else if base.starts_with("AssocGrp")
        || base.starts_with("QOSGrp")
        || base.ends_with("JobsLimit")
        || base.ends_with("JobsPerUserLimit")
        || base == "MaxJobsPerAccount"
    {
        ReasonClass::Limit
    } else {
        ReasonClass::Wait
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_reasons() {
        assert_eq!(classify("Resources"), ReasonClass::Wait);
        assert_eq!(classify("Priority"), ReasonClass::Wait);
        assert_eq!(
            classify("ReqNodeNotAvail, UnavailableNodes:n1"),
            ReasonClass::Wait
        );
        assert_eq!(classify("PartitionTimeLimit"), ReasonClass::Impossible);
        assert_eq!(classify("QOSMaxWallDurationPerJobLimit"), ReasonClass::Impossible);
        assert_eq!(classify("QOSMinCpuNotSatisfied"), ReasonClass::Impossible);
        assert_eq!(classify("AssocGrpCpuLimit"), ReasonClass::Limit);
        assert_eq!(classify("QOSMaxJobsPerUserLimit"), ReasonClass::Limit);
        assert_eq!(classify("PartitionDown"), ReasonClass::Held);
        assert_eq!(classify("JobHeldAdmin"), ReasonClass::Held);
    }
}
