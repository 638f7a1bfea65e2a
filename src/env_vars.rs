//! Every environment variable devkit reads, in one documented place (site keys add `DEVKIT_<SECTION>_<KEY>`).

/// Names of the environment variables devkit reads.
pub struct EnvVars;

impl EnvVars {
    /// A site profile file to use instead of the embedded CNES profile.
    pub const DEVKIT_SITE: &'static str = "DEVKIT_SITE";
    /// Disables colour when set to any value.
    pub const NO_COLOR: &'static str = "NO_COLOR";
    /// Base folder of the user configuration (`devkit/config.toml` below it).
    pub const XDG_CONFIG_HOME: &'static str = "XDG_CONFIG_HOME";
    /// Base folder of user data (the file secret store lives below it).
    pub const XDG_DATA_HOME: &'static str = "XDG_DATA_HOME";
    /// Base folder of caches.
    pub const XDG_CACHE_HOME: &'static str = "XDG_CACHE_HOME";
    /// The user's home folder.
    pub const HOME: &'static str = "HOME";
    /// Turns on debug output, as `-v` does (also used by the CI plugins).
    pub const DEVKIT_TRACE: &'static str = "DEVKIT_TRACE";
    /// Makes devkit panic on purpose before running the command, to test how a bug is reported (exit 70).
    pub const DEVKIT_TEST_PANIC: &'static str = "DEVKIT_TEST_PANIC";
    /// Folder of `devkit slurm run` job files (shared with the compute nodes).
    pub const DEVKIT_SLURM_DIR: &'static str = "DEVKIT_SLURM_DIR";
    /// Where finished Slurm jobs are looked up: `auto`, `db`, `completion`, `off`.
    pub const DEVKIT_SLURM_SACCT: &'static str = "DEVKIT_SLURM_SACCT";
    /// GitLab CI: the job id (names and comments Slurm jobs).
    pub const CI_JOB_ID: &'static str = "CI_JOB_ID";
    /// GitLab CI: the pipeline id (comments Slurm jobs).
    pub const CI_PIPELINE_ID: &'static str = "CI_PIPELINE_ID";
    /// Prefix gitlab-runner's custom executor puts before every CI variable.
    pub const CUSTOM_ENV_PREFIX: &'static str = "CUSTOM_ENV_";
    /// Custom executor: exit code meaning "the job failed".
    pub const BUILD_FAILURE_EXIT_CODE: &'static str = "BUILD_FAILURE_EXIT_CODE";
    /// Custom executor: exit code meaning "the infrastructure failed" (retryable).
    pub const SYSTEM_FAILURE_EXIT_CODE: &'static str = "SYSTEM_FAILURE_EXIT_CODE";
    /// Custom executor: file that receives the user's exit code.
    pub const BUILD_EXIT_CODE_FILE: &'static str = "BUILD_EXIT_CODE_FILE";
    /// Custom executor: the job's JSON (trusted id).
    pub const JOB_RESPONSE_FILE: &'static str = "JOB_RESPONSE_FILE";
    /// CI variable (after `CUSTOM_ENV_`): sbatch options, allow-listed.
    pub const SCHEDULER_PARAMETERS: &'static str = "SCHEDULER_PARAMETERS";
    /// CI variable prefix (after `CUSTOM_ENV_`) of single Slurm settings: `DEVKIT_SLURM_PARTITION`, `_TIME`,
    /// `_NODES`, `_CPUS`, `_MEM`, `_GPUS`, `_ACCOUNT`, `_QOS`, `_IMAGE`, `_QUEUE_TIMEOUT`, `_CONTROLLER_TIMEOUT`.
    pub const DEVKIT_SLURM_PREFIX: &'static str = "DEVKIT_SLURM_";
    /// Forces the secret store: `keyring` or `file` (default: the keyring if it answers, else the file).
    pub const DEVKIT_SECRET_STORE: &'static str = "DEVKIT_SECRET_STORE";
    /// The Docker-API engine `devkit images` talks to (default: `unix:///var/run/docker.sock`).
    pub const DOCKER_HOST: &'static str = "DOCKER_HOST";
    /// GitLab CI: the commit being built (the `revision` label of images).
    pub const CI_COMMIT_SHA: &'static str = "CI_COMMIT_SHA";
    /// First retry delay of GitLab API calls, in milliseconds (doubled at each retry; tests make it small).
    pub const DEVKIT_HTTP_BACKOFF_MS: &'static str = "DEVKIT_HTTP_BACKOFF_MS";
    /// Longest time one GitLab API request may take, in seconds (default 30).
    pub const DEVKIT_HTTP_TIMEOUT_S: &'static str = "DEVKIT_HTTP_TIMEOUT_S";
    /// Attempts per HTTP request, the first included (default 5; a POST is only re-sent when it never left).
    pub const DEVKIT_HTTP_ATTEMPTS: &'static str = "DEVKIT_HTTP_ATTEMPTS";
    /// A PEM bundle replacing the system's trusted roots for devkit's own requests.
    pub const SSL_CERT_FILE: &'static str = "SSL_CERT_FILE";
    /// Where programs are looked up (`devkit doctor` finds tools with it).
    pub const PATH: &'static str = "PATH";
    /// `devkit doctor`: awscli's and botocore's config file instead of `~/.aws/config`.
    pub const AWS_CONFIG_FILE: &'static str = "AWS_CONFIG_FILE";
    /// `devkit doctor`: a CA bundle for AWS clients (rclone 1.60 fails when it is set).
    pub const AWS_CA_BUNDLE: &'static str = "AWS_CA_BUNDLE";
    /// `devkit doctor`: `true` makes awscli and botocore ignore `endpoint_url`.
    pub const AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: &'static str = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS";
    /// `devkit doctor`: overrides the profile's `request_checksum_calculation`.
    pub const AWS_REQUEST_CHECKSUM_CALCULATION: &'static str = "AWS_REQUEST_CHECKSUM_CALCULATION";
    /// `devkit doctor`: overrides the profile's `response_checksum_validation`.
    pub const AWS_RESPONSE_CHECKSUM_VALIDATION: &'static str = "AWS_RESPONSE_CHECKSUM_VALIDATION";
    /// `devkit onboard`: the GitLab personal access token (else `--secrets-stdin`, else a hidden prompt).
    pub const DEVKIT_GITLAB_TOKEN: &'static str = "DEVKIT_GITLAB_TOKEN";
    /// `devkit onboard`: the Artifactory user name.
    pub const DEVKIT_ARTIFACTORY_USER: &'static str = "DEVKIT_ARTIFACTORY_USER";
    /// `devkit onboard`: the Artifactory token (else `--secrets-stdin`, else a hidden prompt).
    pub const DEVKIT_ARTIFACTORY_TOKEN: &'static str = "DEVKIT_ARTIFACTORY_TOKEN";
    /// `devkit onboard`: git `user.name` when unset.
    pub const DEVKIT_GIT_NAME: &'static str = "DEVKIT_GIT_NAME";
    /// `devkit onboard`: git `user.email` when unset.
    pub const DEVKIT_GIT_EMAIL: &'static str = "DEVKIT_GIT_EMAIL";
    /// `devkit onboard` answers given as variables: `DEVKIT_ONBOARD_PROJECT`, `_NAMESPACE`, `_TEMPLATE`,
    /// `_GIT_PROTOCOL`, `_SSH_USER` (read by the command line, see `devkit onboard --help`).
    pub const DEVKIT_ONBOARD_PREFIX: &'static str = "DEVKIT_ONBOARD_";
    /// Proxy for devkit's own HTTPS requests (also `https_proxy`).
    pub const HTTPS_PROXY: &'static str = "HTTPS_PROXY";
    /// Hosts devkit reaches without the proxy (also `no_proxy`).
    pub const NO_PROXY: &'static str = "NO_PROXY";
    /// `devkit datalake ls|collections|restore`: the S3 endpoint the environment's key is for; when it names the
    /// Datalake (a CI or Slurm job of the trex-job plugin's `datalake: true`), that key is used before the stored one.
    pub const AWS_ENDPOINT_URL_S3: &'static str = "AWS_ENDPOINT_URL_S3";
    /// See `AWS_ENDPOINT_URL_S3`: the access key id.
    pub const AWS_ACCESS_KEY_ID: &'static str = "AWS_ACCESS_KEY_ID";
    /// See `AWS_ENDPOINT_URL_S3`: the secret access key.
    pub const AWS_SECRET_ACCESS_KEY: &'static str = "AWS_SECRET_ACCESS_KEY";
}
