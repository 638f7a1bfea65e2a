#!/bin/sh
# The one command a new CNES account holder runs: checks for cargo (and says how to get Rust), installs devkit
# (from this checkout when run from one, else `cargo install --locked --git` from the site's GitLab), then runs
# `devkit onboard` with the arguments given. Safe to run twice: devkit is not reinstalled when the same
# version is installed.
#
#   sh scripts/onboard.sh [devkit onboard options...]
#
# Environment: DEVKIT_GITLAB_URL (default https://gitlab.cnes.fr), DEVKIT_GITLAB_DEVKIT_PROJECT (default
# devkit/devkit), DEVKIT_REF (a release tag such as v0.2.0; default: the default branch), CARGO_HOME.
set -eu

gitlab_url=${DEVKIT_GITLAB_URL:-https://gitlab.cnes.fr}
project=${DEVKIT_GITLAB_DEVKIT_PROJECT:-devkit/devkit}
ref=${DEVKIT_REF:-}
cargo_bin=${CARGO_HOME:-$HOME/.cargo}/bin

say() { printf 'onboard: %s\n' "$*" >&2; }

if ! command -v cargo >/dev/null 2>&1; then
  if [ -x "$cargo_bin/cargo" ]; then
    PATH="$cargo_bin:$PATH"
    export PATH
  else
    say "cargo is not installed. Install Rust with rustup (https://rustup.rs):"
    say "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh"
    say "then open a new terminal (or run: . \"\$HOME/.cargo/env\") and run this script again."
    exit 1
  fi
fi

# A checkout of devkit: this script sits in its scripts/ folder.
root=""
here=$(dirname -- "$0")
if [ -f "$here/../Cargo.toml" ] && grep -q '^name = "devkit"' "$here/../Cargo.toml"; then
  root=$(cd -- "$here/.." && pwd -P)
fi

installed=""
if command -v devkit >/dev/null 2>&1; then
  installed=$(devkit --version 2>/dev/null | sed -n 's/^devkit \([^ ]*\).*/\1/p')
elif [ -x "$cargo_bin/devkit" ]; then
  installed=$("$cargo_bin/devkit" --version 2>/dev/null | sed -n 's/^devkit \([^ ]*\).*/\1/p')
fi

if [ -n "$root" ]; then
  wanted=$(sed -n 's/^version = "\([^"]*\)".*/\1/p' "$root/Cargo.toml" | head -n 1)
  if [ -n "$installed" ] && [ "$installed" = "$wanted" ]; then
    say "devkit $installed is installed: not reinstalling"
  else
    say "installing devkit $wanted from $root"
    cargo install --locked --path "$root"
  fi
else
  url="${gitlab_url%/}/$project.git"
  if [ -n "$ref" ] && [ -n "$installed" ] && [ "v$installed" = "$ref" ]; then
    say "devkit $installed is installed: not reinstalling"
  elif [ -n "$ref" ]; then
    say "installing devkit $ref from $url"
    cargo install --locked --git "$url" --tag "$ref" devkit
  else
    # Without a tag cargo compares commits itself and skips an install of the same commit.
    say "installing devkit from $url"
    cargo install --locked --git "$url" devkit
  fi
fi

if command -v devkit >/dev/null 2>&1; then
  exec devkit onboard "$@"
fi
exec "$cargo_bin/devkit" onboard "$@"
