//! Where a new user creates each secret: the exact page of the site's GitLab and Artifactory (derived from the
//! site profile's URLs) and the scopes to tick, for the prompts and hints of `devkit onboard`.

use crate::site::SiteProfile;

/// The scopes devkit's GitLab token needs (`api` covers every call devkit makes).
pub const GITLAB_SCOPES: &str = "api";

/// GitLab's page that creates a personal access token, with devkit's name and scopes filled in.
pub fn gitlab_token_page(site: &SiteProfile) -> String {
    format!(
        "{}/-/user_settings/personal_access_tokens?name=devkit&scopes={GITLAB_SCOPES}",
        site.gitlab.url.trim().trim_end_matches('/')
    )
}

/// Artifactory's profile page, where an identity token is generated (the UI lives beside `/artifactory`).
pub fn artifactory_token_page(site: &SiteProfile) -> String {
    let url = site.artifactory.url.trim().trim_end_matches('/');
    let base = url.strip_suffix("/artifactory").unwrap_or(url);
    format!("{base}/ui/user_profile")
}

/// The sentence that says how to create a GitLab token.
pub fn gitlab_token_how(site: &SiteProfile) -> String {
    format!(
        "create one at {} (scope `{GITLAB_SCOPES}`, copy it once shown)",
        gitlab_token_page(site)
    )
}

/// The sentence that says how to create an Artifactory token.
pub fn artifactory_token_how(site: &SiteProfile) -> String {
    format!(
        "create one at {} (Edit Profile > Generate an Identity Token)",
        artifactory_token_page(site)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_follow_the_site_urls() {
        let mut site = crate::site::Layers::embedded().resolve().unwrap().0;
        site.gitlab.url = "https://gitlab.example.org/".into();
        site.artifactory.url = "https://art.example.org/artifactory".into();
        assert_eq!(
            gitlab_token_page(&site),
            "https://gitlab.example.org/-/user_settings/personal_access_tokens?name=devkit&scopes=api"
        );
        assert_eq!(
            artifactory_token_page(&site),
            "https://art.example.org/ui/user_profile"
        );
        site.artifactory.url = "http://127.0.0.1:8081".into();
        assert_eq!(
            artifactory_token_page(&site),
            "http://127.0.0.1:8081/ui/user_profile"
        );
    }
}
