//! Questions on the terminal for the interactive mode (dialoguer, on stderr; secrets without echo).

use crate::secret::Secret;
use anyhow::{Context, Result};

/// A line of text; empty allowed when `optional`.
pub fn text(prompt: &str, optional: bool) -> Result<String> {
    dialoguer::Input::<String>::new()
        .with_prompt(prompt)
        .allow_empty(optional)
        .interact_text()
        .context("cannot read the answer")
        .map(|s| s.trim().to_string())
}

/// A secret, read without echo.
pub fn secret(prompt: &str) -> Result<Secret> {
    let raw = zeroize::Zeroizing::new(
        dialoguer::Password::new()
            .with_prompt(prompt)
            .interact()
            .context("cannot read the secret")?,
    );
    Ok(Secret::new(raw.trim()))
}
