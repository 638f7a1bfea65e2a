//! The GitLab client of a command: base URL, the shared HTTP settings (`http_setup`), and the token from the
//! secret store.

use crate::error::UserError;
use crate::gitlab::{Client, ClientConfig};
use crate::printer::Printer;
use crate::secret::Secret;
use crate::settings::Settings;
use crate::store::{host_of, service_for_host};
use anyhow::Result;

/// The secret-store service of the site's GitLab.
pub fn service(settings: &Settings) -> String {
    service_for_host(host_of(&settings.site.gitlab.url))
}

/// A client for the site's GitLab with `token`.
pub fn client(settings: &Settings, token: Option<Secret>) -> Result<Client> {
    client_at(settings, &settings.site.gitlab.url, token)
}

/// A client for the GitLab at `url` (a runner's), with the site's TLS and retry settings.
pub fn client_at(settings: &Settings, url: &str, token: Option<Secret>) -> Result<Client> {
    let url = url.trim();
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(UserError::with_hint(
            format!("`gitlab.url` is `{url}`, not an http(s) URL"),
            "set it with `--set gitlab.url=https://gitlab.example.org`",
        )
        .into());
    }
    let mut config = ClientConfig::new(url);
    config.token = token;
    config.http = super::http_setup::config(settings)?;
    Ok(Client::new(config)?)
}

/// The stored token for the site's GitLab and its user name.
pub fn stored_token(settings: &Settings, printer: &Printer) -> Result<(Secret, String)> {
    let service = service(settings);
    let (store, _) = super::secret_store::open(settings, printer)?;
    let not_logged_in = || {
        UserError::with_hint(
            format!("not logged in to GitLab at `{}`", settings.site.gitlab.url),
            "run `devkit login gitlab --token-stdin < token-file`",
        )
    };
    let user = store
        .users(&service)?
        .into_iter()
        .next()
        .ok_or_else(not_logged_in)?;
    let token = store.get(&service, &user)?.ok_or_else(not_logged_in)?;
    Ok((token, user))
}

/// A client authenticated with the stored token.
pub fn logged_in(settings: &Settings, printer: &Printer) -> Result<(Client, Secret)> {
    let (token, user) = stored_token(settings, printer)?;
    printer.debug(format!("GitLab user `{user}` at {}", settings.site.gitlab.url));
    Ok((client(settings, Some(token.clone()))?, token))
}
