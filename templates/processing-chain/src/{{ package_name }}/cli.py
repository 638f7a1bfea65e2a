"""Command line of the chain: ``python -m {{ package_name }} INPUT OUTPUT``."""

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

{% if datalake -%}
from {{ package_name }}.datalake import read_text
{% endif -%}
from {{ package_name }}.steps import run


def read_series(path: Path{% if datalake %} | str{% endif %}) -> list[float]:
    """Read one number per line; blank lines and ``#`` comments are skipped.{% if datalake %}

    ``path`` is a local file or a Datalake object ``s3://bucket/key`` (see ``datalake.py``).
    {% endif %}"""
    values = []
    for number, line in enumerate({% if datalake %}read_text(path){% else %}path.read_text(encoding="utf-8"){% endif %}.splitlines(), start=1):
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
{%- if datalake %}
    parser.add_argument(
        "input", type=str, help="input series, one number per line: a file or s3://bucket/key"
    )
{%- else %}
    parser.add_argument("input", type=Path, help="input series, one number per line")
{%- endif %}
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
