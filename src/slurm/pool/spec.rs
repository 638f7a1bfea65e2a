//! The size of a pool (`nodes=1,cpus=8,time=2:00:00,...`) and the rule that decides whether a job fits in it.
//! A job runs in its pipeline's pool only when every option it asks for is a resource the pool measures
//! (partition, account and QoS equal to the pool's; one node; CPUs, memory, GPUs and time at most the pool's);
//! anything else (constraints, GRES, exclusive nodes, several nodes, ...) gets an allocation of its own.

use crate::slurm::options;

/// Errors in a pool specification.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    #[error("pool setting `{0}` is not `key=value`")]
    Shape(String),
    #[error(
        "unknown pool setting `{0}` (known: nodes, cpus, mem, gpus, time, idle, partition, account, qos)"
    )]
    Unknown(String),
    #[error("pool setting `{key}` has a bad value `{value}`")]
    Value { key: String, value: String },
}

impl SpecError {
    /// The fix.
    pub fn hint(&self) -> String {
        "write the pool as `nodes=1,cpus=8,time=2:00:00` (optional: mem=16G, gpus=1, idle=5m, partition=, \
         account=, qos=), or `off`"
            .into()
    }
}

/// What a pool holds. Memory is in MiB; `None` = the site's default.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PoolSpec {
    pub nodes: u32,
    pub cpus: u32,
    pub mem_mb: Option<u64>,
    pub gpus: u32,
    pub time_s: u64,
    /// Released after this long without a step (the lease is not renewed).
    pub idle_s: u64,
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
}

/// `16G`, `512M`, `1T`, `2048` (MiB) → MiB.
pub fn mem_mb(text: &str) -> Option<u64> {
    let t = text.trim();
    let (num, unit) = match t.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => t.split_at(i),
        None => (t, "M"),
    };
    let n: u64 = num.parse().ok()?;
    let factor = match unit.to_ascii_uppercase().as_str() {
        "K" | "KB" => return Some(n.div_ceil(1024)),
        "M" | "MB" => 1,
        "G" | "GB" => 1024,
        "T" | "TB" => 1024 * 1024,
        _ => return None,
    };
    n.checked_mul(factor)
}

impl PoolSpec {
    /// Applies `text` (`key=value,...`) over `self`.
    pub fn apply(mut self, text: &str) -> Result<Self, SpecError> {
        for item in text.split(',').map(str::trim).filter(|i| !i.is_empty()) {
            let (key, value) = item
                .split_once('=')
                .ok_or_else(|| SpecError::Shape(item.into()))?;
            let (key, value) = (key.trim(), value.trim());
            let bad = || SpecError::Value {
                key: key.into(),
                value: value.into(),
            };
            let count = || value.parse::<u32>().map_err(|_| bad());
            let secs = || options::time_seconds(value).map_err(|_| bad());
            let name = || {
                options::option(key, value)
                    .map(|_| Some(value.to_string()))
                    .map_err(|_| bad())
            };
            match key {
                "nodes" => self.nodes = count()?.max(1),
                "cpus" => self.cpus = count()?.max(1),
                "gpus" => self.gpus = count()?,
                "mem" => self.mem_mb = Some(mem_mb(value).ok_or_else(bad)?),
                "time" => self.time_s = secs()?.max(60),
                "idle" => self.idle_s = secs()?.max(1),
                "partition" => self.partition = name()?,
                "account" => self.account = name()?,
                "qos" => self.qos = name()?,
                _ => return Err(SpecError::Unknown(key.into())),
            }
        }
        Ok(self)
    }

    /// The canonical text; equal specs give equal text (it names the resource class).
    pub fn canonical(&self) -> String {
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        format!(
            "nodes={},cpus={},mem={},gpus={},time={},partition={},account={},qos={}",
            self.nodes,
            self.cpus,
            self.mem_mb.map(|m| m.to_string()).unwrap_or_default(),
            self.gpus,
            self.time_s,
            opt(&self.partition),
            opt(&self.account),
            opt(&self.qos)
        )
    }

    /// A short stable name of the resource class (FNV-1a of the canonical text; not a security boundary:
    /// the pool folder is private to the user and the key also names the project and pipeline).
    pub fn class(&self) -> String {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in self.canonical().bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        format!("{:08x}", h >> 32)
    }

    /// What `devkit executor pools` shows.
    pub fn describe(&self) -> String {
        let mut s = format!("nodes={},cpus={}", self.nodes, self.cpus);
        if let Some(m) = self.mem_mb {
            s.push_str(&format!(",mem={m}M"));
        }
        if self.gpus > 0 {
            s.push_str(&format!(",gpus={}", self.gpus));
        }
        s.push_str(&format!(",time={}s", self.time_s));
        if let Some(p) = &self.partition {
            s.push_str(&format!(",partition={p}"));
        }
        s
    }

    /// The holder job's sbatch options (resources per node: one task with all the pool's CPUs).
    pub fn holder_args(&self) -> Vec<String> {
        let mut a = vec![
            format!("--nodes={}", self.nodes),
            "--ntasks-per-node=1".into(),
            format!("--cpus-per-task={}", self.cpus),
            format!("--time={}", minutes(self.time_s)),
        ];
        if let Some(m) = self.mem_mb {
            a.push(format!("--mem={m}M"));
        }
        if self.gpus > 0 {
            a.push(format!("--gres=gpu:{}", self.gpus));
        }
        for (k, v) in [
            ("partition", &self.partition),
            ("account", &self.account),
            ("qos", &self.qos),
        ] {
            if let Some(v) = v {
                a.push(format!("--{k}={v}"));
            }
        }
        a
    }
}

/// Whole minutes, rounded up (Slurm's smallest time unit).
fn minutes(secs: u64) -> u64 {
    secs.div_ceil(60).max(1)
}

/// The resources one job asks for, read from its validated sbatch options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobNeeds {
    pub nodes: u32,
    pub cpus: u32,
    pub mem_mb: Option<u64>,
    pub gpus: u32,
    pub time_s: Option<u64>,
    pub time: Option<String>,
    pub partition: Option<String>,
    pub account: Option<String>,
    pub qos: Option<String>,
    /// Options a pool does not measure (they need an allocation of their own).
    pub other: Vec<String>,
}

impl JobNeeds {
    /// Reads `--name=value` options; `--job-name` and `--comment` are not resources.
    pub fn from_args(args: &[String]) -> Self {
        let mut n = Self {
            nodes: 1,
            cpus: 1,
            ..Self::default()
        };
        for arg in args {
            let (key, value) = arg.split_once('=').unwrap_or((arg.as_str(), ""));
            let num = value.parse::<u32>().ok();
            match (key, num) {
                ("--job-name" | "--comment", _) => {}
                ("--nodes", Some(v)) => n.nodes = v,
                ("--cpus-per-task", Some(v)) => n.cpus = v,
                ("--gpus", Some(v)) => n.gpus = v,
                ("--mem", _) if mem_mb(value).is_some() => n.mem_mb = mem_mb(value),
                ("--time", _) if options::time_seconds(value).is_ok() => {
                    n.time_s = options::time_seconds(value).ok();
                    n.time = Some(value.to_string());
                }
                ("--partition", _) => n.partition = Some(value.into()),
                ("--account", _) => n.account = Some(value.into()),
                ("--qos", _) => n.qos = Some(value.into()),
                _ => n.other.push(arg.clone()),
            }
        }
        n
    }

    /// Why the job cannot run in a pool of `spec`, `None` when it fits.
    pub fn misfit(&self, spec: &PoolSpec) -> Option<String> {
        if let Some(o) = self.other.first() {
            return Some(format!("it asks for `{o}`, which a pool does not provide"));
        }
        if self.nodes > 1 {
            return Some(format!(
                "it asks for {} nodes (a pool runs one-node jobs)",
                self.nodes
            ));
        }
        let same = |what: &str, job: &Option<String>, pool: &Option<String>| {
            (job.is_some() && job != pool).then(|| format!("its {what} differs from the pool's"))
        };
        if let Some(w) = same("partition", &self.partition, &spec.partition)
            .or_else(|| same("account", &self.account, &spec.account))
            .or_else(|| same("QoS", &self.qos, &spec.qos))
        {
            return Some(w);
        }
        if self.cpus > spec.cpus {
            return Some(format!(
                "it asks for {} CPUs, the pool has {}",
                self.cpus, spec.cpus
            ));
        }
        if self.gpus > spec.gpus {
            return Some(format!(
                "it asks for {} GPUs, the pool has {}",
                self.gpus, spec.gpus
            ));
        }
        match (self.mem_mb, spec.mem_mb) {
            (Some(j), Some(p)) if j > p => {
                return Some(format!("it asks for {j} MiB of memory, the pool has {p} MiB"));
            }
            (Some(_), None) => return Some("it asks for memory and the pool states none".into()),
            _ => {}
        }
        match self.time_s {
            Some(t) if t > spec.time_s => Some(format!(
                "its time limit ({t} s) is longer than the pool's ({} s)",
                spec.time_s
            )),
            _ => None,
        }
    }

    /// The srun options of the job's step inside holder `holder`: exactly the job's resources (`--exact`).
    pub fn step_args(&self, holder: &str, spec: &PoolSpec) -> Vec<String> {
        let mut a = vec![
            format!("--jobid={holder}"),
            "--exact".into(),
            "--nodes=1".into(),
            "--ntasks=1".into(),
            format!("--cpus-per-task={}", self.cpus),
        ];
        // Without --mem a step takes all the allocation's memory and blocks its siblings: give it its own
        // request, else its CPUs' share of the pool's memory.
        let mem = self.mem_mb.or_else(|| {
            spec.mem_mb
                .map(|m| m * u64::from(self.cpus) / u64::from(spec.cpus.max(1)))
        });
        if let Some(m) = mem {
            a.push(format!("--mem={}M", m.max(1)));
        }
        if self.gpus > 0 {
            a.push(format!("--gres=gpu:{}", self.gpus));
        }
        if let Some(t) = self.time_s {
            a.push(format!("--time={}", minutes(t)));
        }
        a
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> PoolSpec {
        PoolSpec {
            nodes: 1,
            cpus: 8,
            time_s: 7200,
            idle_s: 300,
            partition: Some("cpu".into()),
            ..PoolSpec::default()
        }
    }

    #[test]
    fn parses_and_refuses() {
        let s = base()
            .apply("nodes=2, cpus=16,mem=32G,gpus=1,time=30m,idle=5s")
            .unwrap();
        assert_eq!((s.nodes, s.cpus, s.mem_mb, s.gpus), (2, 16, Some(32768), 1));
        assert_eq!((s.time_s, s.idle_s), (1800, 5));
        for bad in [
            "cpus",
            "cpus=x",
            "color=red",
            "partition=$(id)",
            "mem=3Q",
            "time=soon",
        ] {
            assert!(base().apply(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn gpu_and_odd_jobs_do_not_fit_a_cpu_pool() {
        let pool = base();
        let fit = |args: &[&str]| {
            JobNeeds::from_args(&args.iter().map(|s| (*s).to_string()).collect::<Vec<_>>()).misfit(&pool)
        };
        assert_eq!(
            fit(&[
                "--partition=cpu",
                "--time=10",
                "--cpus-per-task=4",
                "--job-name=x"
            ]),
            None
        );
        assert!(fit(&["--gpus=1"]).unwrap().contains("GPUs"));
        assert!(fit(&["--partition=gpu"]).unwrap().contains("partition"));
        assert!(fit(&["--constraint=skylake"]).is_some());
        assert!(fit(&["--nodes=2"]).is_some());
        assert!(fit(&["--time=3:00:00"]).is_some());
        assert!(fit(&["--mem=1G"]).is_some(), "memory asked, none stated");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// A job that fits never asks for more than the pool holds, and its step asks for exactly what it
        /// asked (never the whole pool).
        #[test]
        fn fitting_jobs_stay_inside_the_pool(cpus in 1u32..20, pool_cpus in 1u32..20, mem in 0u64..4, t in 1u64..200) {
            let pool = PoolSpec { cpus: pool_cpus, mem_mb: Some(2048), time_s: 6000, ..base() };
            let mut args = vec![format!("--cpus-per-task={cpus}"), format!("--time={t}")];
            if mem > 0 { args.push(format!("--mem={mem}G")); }
            let job = JobNeeds::from_args(&args);
            let fits = job.misfit(&pool).is_none();
            prop_assert_eq!(fits, cpus <= pool_cpus && mem * 1024 <= 2048 && t * 60 <= 6000);
            if fits {
                let step = job.step_args("7", &pool);
                prop_assert!(step.contains(&"--exact".to_string()));
                let want = format!("--cpus-per-task={}", cpus);
                prop_assert!(step.contains(&want));
            }
        }

        #[test]
        fn equal_specs_share_a_class_and_different_ones_do_not(a in 1u32..64, b in 1u32..64) {
            let x = PoolSpec { cpus: a, ..base() };
            let y = PoolSpec { cpus: b, ..base() };
            prop_assert_eq!(x.class() == y.class(), a == b);
        }
    }
}
