//! The site CA bundle (`tls.ca_bundle`) as the only trusted roots of the GitLab client.

use super::GitlabError;

/// A TLS configuration trusting the certificates of the PEM file `path`.
pub fn with_bundle(path: &std::path::Path) -> Result<ureq::tls::TlsConfig, GitlabError> {
    let fail = |reason: String| GitlabError::CaBundle {
        path: path.display().to_string(),
        reason,
    };
    let pem = fs_err::read(path).map_err(|e| fail(e.to_string()))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        if let ureq::tls::PemItem::Certificate(c) = item.map_err(|e| fail(e.to_string()))? {
            certs.push(c);
        }
    }
    if certs.is_empty() {
        return Err(fail("no certificate in it".into()));
    }
    Ok(ureq::tls::TlsConfig::builder()
        .root_certs(ureq::tls::RootCerts::new_with_certs(&certs))
        .build())
}
