"""Command line of {{ project_slug }}."""

from __future__ import annotations

import argparse
import sys

from {{ package_name }} import __version__
from {{ package_name }}.config import load_config
from {{ package_name }}.core import propagate


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="{{ project_slug }}", description="{{ description }}")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--config", default="config.yaml", help="configuration file")
    parser.add_argument("--steps", type=int, default=100, help="number of integration steps")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    config = load_config(args.config)
    state = propagate(config.initial_state, config.step_seconds, args.steps)
    sys.stdout.write(f"final state: {state}\n")
    return 0
