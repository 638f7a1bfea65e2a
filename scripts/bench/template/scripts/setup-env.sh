#!/usr/bin/env bash
# Creates the development environment of {{ project_name }}.
set -euo pipefail
cd "$(dirname "$0")/.."
python{{ python_version }} -m venv .venv
.venv/bin/pip install --upgrade pip
.venv/bin/pip install -e '.[dev]'
echo "environment ready: source .venv/bin/activate"
