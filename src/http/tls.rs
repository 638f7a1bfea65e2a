//! The trusted roots, loaded one way: the site CA bundle (`tls.ca_bundle`, every entry must be a certificate)
//! plus the system bundle (entries that cannot be read are skipped and reported); Mozilla's roots when
//! neither is there.

use super::HttpError;
use std::path::{Path, PathBuf};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig, parse_pem};

/// The certificates of a PEM file, and a description of each entry that is not a usable certificate.
pub fn load_pem(path: &Path) -> std::io::Result<(Vec<Certificate<'static>>, Vec<String>)> {
    let pem = fs_err::read(path)?;
    let mut certs = Vec::new();
    let mut bad = Vec::new();
    for (n, item) in parse_pem(&pem).enumerate() {
        match item {
            Ok(PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => bad.push(format!("entry {} is a key, not a certificate", n + 1)),
            Err(e) => bad.push(format!("entry {}: {e}", n + 1)),
        }
    }
    Ok((certs, bad))
}

/// The system bundles looked for when `SSL_CERT_FILE` is not set (Debian/Ubuntu, RHEL/Fedora, openSUSE,
/// Alpine/macOS).
pub const SYSTEM_BUNDLES: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
    "/etc/ssl/ca-bundle.pem",
    "/etc/ssl/cert.pem",
];

/// The first system bundle that exists.
pub fn default_system_bundle() -> Option<PathBuf> {
    SYSTEM_BUNDLES.iter().map(PathBuf::from).find(|p| p.is_file())
}

/// The TLS configuration trusting the site bundle (which must be clean) and the system bundle.
pub fn tls_config(site: Option<&Path>, system: Option<&Path>) -> Result<TlsConfig, HttpError> {
    let mut roots = Vec::new();
    if let Some(path) = site {
        let fail = |reason: String| HttpError::CaBundle {
            path: path.display().to_string(),
            reason,
        };
        let (certs, bad) = load_pem(path).map_err(|e| fail(e.to_string()))?;
        if !bad.is_empty() {
            return Err(fail(bad.join("; ")));
        }
        if certs.is_empty() {
            return Err(fail("no certificate in it".into()));
        }
        roots.extend(certs);
    }
    if let Some(path) = system {
        match load_pem(path) {
            Ok((certs, bad)) => {
                for b in &bad {
                    tracing::warn!("system CA bundle `{}`: {b} (skipped)", path.display());
                }
                tracing::debug!("{} certificate(s) from `{}`", certs.len(), path.display());
                roots.extend(certs);
            }
            Err(e) => tracing::warn!("cannot read the system CA bundle `{}`: {e}", path.display()),
        }
    }
    let roots = if roots.is_empty() {
        RootCerts::WebPki
    } else {
        RootCerts::new_with_certs(&roots)
    };
    Ok(TlsConfig::builder().root_certs(roots).build())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn a_bad_site_entry_is_named() {
        let dir = tempfile::tempdir().unwrap();
        let empty = dir.path().join("empty.pem");
        std::fs::write(&empty, "nothing here\n").unwrap();
        let err = tls_config(Some(&empty), None).unwrap_err().to_string();
        assert!(err.contains("no certificate"), "{err}");
        let broken = dir.path().join("broken.pem");
        std::fs::write(
            &broken,
            "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let err = tls_config(Some(&broken), None).unwrap_err().to_string();
        assert!(err.contains("entry 1"), "{err}");
        let missing = dir.path().join("missing.pem");
        assert!(tls_config(Some(&missing), None).is_err());
        // A system bundle that cannot be read is only reported.
        assert!(tls_config(None, Some(&missing)).is_ok());
    }
}
