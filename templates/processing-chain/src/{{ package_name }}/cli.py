"""Command line of the chain: ``python -m {{ package_name }} INPUT OUTPUT``."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from {{ package_name }}.steps import run


def read_series(path: Path) -> list[float]:
    """Read one number per line; blank lines and ``#`` comments are skipped."""
    values = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        text = line.split("#", 1)[0].strip()
        if not text:
            continue
        try:
            values.append(float(text))
        except ValueError:
            raise ValueError(f"{path}:{number}: not a number: {text!r}") from None
    return values


def write_series(path: Path, values: Sequence[float]) -> None:
    """Write one value per line, creating the parent folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(f"{v:.6g}\n" for v in values), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chain on INPUT and write OUTPUT; returns the exit code."""
    parser = argparse.ArgumentParser(prog="{{ package_name }}", description=__doc__)
    parser.add_argument("input", type=Path, help="input series, one number per line")
    parser.add_argument("output", type=Path, help="where to write the processed series")
    args = parser.parse_args(argv)
    try:
        values = read_series(args.input)
    except (OSError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    result = run(values)
    write_series(args.output, result)
    print(f"{args.input}: {len(values)} values in, {len(result)} out -> {args.output}")
    return 0
