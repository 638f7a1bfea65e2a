//! The Datalake: with a key stored by `devkit login datalake`, one signed ListBuckets to the site's endpoint
//! (reachable, speaking S3, accepting the key), then the S3 clients' versions (`s3_clients`). Without a key
//! every Datalake check is skipped: a user who never uses the Datalake gets no warning from it.

use super::{Check, Context, Status};
use crate::datalake::{self, DatalakeKey, KeyError, S3, S3Error};
use crate::http::HttpError;

const NAME: &str = "datalake endpoint";

/// The endpoint check and the clients' checks, or one skipped line when no key is stored.
pub fn checks(ctx: &Context<'_>) -> Vec<Check> {
    let Ok(store) = &ctx.store else {
        return vec![Check::new("datalake", Status::Skipped, "no secret store")];
    };
    let key = match datalake::load(store, &ctx.settings.site.datalake.endpoint) {
        Ok(key) => key,
        Err(KeyError::Missing { .. }) => {
            return vec![Check::new(
                "datalake",
                Status::Skipped,
                "no Datalake key stored; `devkit login datalake --access-key-id ID` turns these checks on",
            )];
        }
        Err(e) => {
            return vec![Check::new(
                "datalake",
                Status::Skipped,
                format!("the Datalake key cannot be read: {e}"),
            )];
        }
    };
    let mut checks = vec![endpoint(ctx, &key)];
    checks.extend(super::s3_clients::checks(ctx));
    checks
}

/// One signed ListBuckets, a single attempt within the probe timeout.
fn endpoint(ctx: &Context<'_>, key: &DatalakeKey) -> Check {
    let dl = &ctx.settings.site.datalake;
    let url = dl.endpoint.trim_end_matches('/');
    let id = &key.access_key_id;
    let http = match super::http::client("the Datalake", &ctx.http, ctx.timeout) {
        Ok(http) => http,
        Err(e) => return Check::new(NAME, Status::Fail, e).hint("fix `tls.ca_bundle`"),
    };
    let s3 = match S3::new(
        http,
        &dl.endpoint,
        &dl.region,
        dl.addressing_style != "virtual",
        key,
    ) {
        Ok(s3) => s3,
        Err(e) => return failed(e.to_string(), &e),
    };
    match s3.count_buckets() {
        Ok(n) => Check::new(
            NAME,
            Status::Ok,
            format!("`{url}` speaks S3 and accepts the key `{id}` ({n} bucket(s) visible)"),
        ),
        Err(S3Error::Refused { code, .. }) if code == "AccessDenied" => Check::new(
            NAME,
            Status::Ok,
            format!(
                "`{url}` accepts the key `{id}` (its signature is checked) but does not let it list buckets \
                 (AccessDenied): `devkit datalake collections` shows what it may read"
            ),
        ),
        Err(S3Error::Refused { code, message }) => Check::new(
            NAME,
            Status::Fail,
            format!("`{url}` refuses the credentials of `{id}` ({code}: {message})"),
        )
        .hint("store the right key with `devkit login datalake --access-key-id ID --secret-stdin`"),
        Err(S3Error::Http(HttpError::Unreachable { reason, .. } | HttpError::NoAnswer { reason, .. })) => {
            unreachable(ctx, url, &reason)
        }
        Err(
            e @ (S3Error::Html { .. } | S3Error::Malformed { .. } | S3Error::NoKey(_) | S3Error::NoBucket(_)),
        ) => Check::new(
            NAME,
            Status::Fail,
            format!("`{url}` is not an S3 endpoint: {}", not_s3(&e)),
        )
        .hint(
            "check `datalake.endpoint` (`devkit site show`): it may point at a web portal or a proxy's login \
                 page; override it with `DEVKIT_DATALAKE_ENDPOINT=URL` or `--set datalake.endpoint=URL`",
        ),
        Err(S3Error::Other { code, .. }) if code == "RequestTimeTooSkewed" => Check::new(
            NAME,
            Status::Fail,
            format!("`{url}` refuses the requests of this machine: its clock is off (RequestTimeTooSkewed)"),
        )
        .hint("set the clock right (`timedatectl set-ntp true`, or ask your administrator)"),
        Err(e) => failed(e.to_string(), &e),
    }
}

/// What made the answer not S3's.
fn not_s3(e: &S3Error) -> String {
    match e {
        S3Error::Html { status, .. } => format!("it answered {status} with an HTML page"),
        S3Error::Malformed { reason, .. } => format!("its answer to ListBuckets has {reason}"),
        _ => "it answered ListBuckets with 404 and no S3 error code".into(),
    }
}

fn failed(detail: String, cause: &S3Error) -> Check {
    let check = Check::new(NAME, Status::Fail, detail);
    match cause.hint() {
        Some(h) => check.hint(h),
        None => check,
    }
}

fn unreachable(ctx: &Context<'_>, url: &str, reason: &str) -> Check {
    let dl = &ctx.settings.site.datalake;
    let outside = dl.endpoint_outside.trim_end_matches('/');
    let tls = ["certificate", "tls", "ssl"]
        .iter()
        .any(|w| reason.to_ascii_lowercase().contains(w));
    let hint = if tls {
        "a TLS failure usually means the site CA is missing: set `tls.ca_bundle`".to_string()
    } else if !outside.is_empty() && outside != url {
        format!(
            "check the network (VPN, proxy); outside the CNES network use `{outside}` \
             (`DEVKIT_DATALAKE_ENDPOINT={outside}` or `--set datalake.endpoint={outside}`)"
        )
    } else {
        "check the network (VPN, proxy) and `datalake.endpoint` (`devkit site show`; override it with \
         `DEVKIT_DATALAKE_ENDPOINT=URL` or `--set datalake.endpoint=URL`)"
            .to_string()
    };
    Check::new(
        NAME,
        Status::Fail,
        format!("the Datalake endpoint `{url}` is unreachable: {reason}"),
    )
    .hint(hint)
}
