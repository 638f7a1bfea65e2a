#!/usr/bin/env python3
"""Writes the benchmark template in the formats of devkit, copier and cookiecutter.

Why: `scripts/bench-init.sh` compares `devkit init` with `copier copy` and `cookiecutter` on the same project.
The devkit template in `scripts/bench/template/` is the single source of truth; this script derives the other
two formats from it, and the ~1000-file variant (the same template plus generated modules), into a scratch
folder at benchmark time so that no generated tree is committed.

    gen.py OUT [--extra N] [--v2] [--heavy]

writes OUT/devkit (template.toml + files), OUT/copier (copier.yml + template/) and OUT/cookiecutter
(cookiecutter.json + {{cookiecutter.project_slug}}/). `--extra N` adds N small text files (one in four
templated) under src/{{ package_name }}/generated/. `--v2` writes version 2 of the template instead: the files
of `scripts/bench/v2/` laid over it (a new question, changed and new files) less the paths listed in
`scripts/bench/v2.removed`, for benchmarks of updating a project from v1 to v2. `--heavy` makes the
content-heavy variant: the same ~40 paths, each text file lengthened with realistic long content (a long
license text, docs with `{% raw %}` blocks, modules with many small tags), about 180 KB in all; with
`--extra N` its generated modules are longer too (~2 KB each, ~2.2 MB for 1000 files). Parse cost in Tera
grows with content, so this shape is benchmarked next to the light one. Python 3.11+ standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = HERE / "template"
V2 = HERE / "v2"
V2_REMOVED = HERE / "v2.removed"
MANIFEST = "template.toml"
COPIER_ANSWERS = "{{ _copier_conf.answers_file }}.jinja"
COPIER_ANSWERS_BODY = "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml -}}\n"

# `{% raw %}...{% endraw %}` spans (with optional whitespace control) and the tags outside them.
RAW = re.compile(r"\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}", re.S)
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
STRING = re.compile(r"(\"[^\"]*\"|'[^']*')")
# Tera passes filter arguments by name; Jinja2 by position. The template only uses `replace`.
TERA_REPLACE = re.compile(r"replace\(\s*from\s*=\s*(\"[^\"]*\"|'[^']*')\s*,\s*to\s*=\s*(\"[^\"]*\"|'[^']*')\s*\)")
NAMED_ARG = re.compile(r"\w\s*\(\s*\w+\s*=")


def has_syntax(text: str) -> bool:
    """devkit's rule (src/scaffold/render.rs): only text holding template syntax is rendered."""
    return "{{" in text or "{%" in text or "{#" in text


def map_tags(text: str, fn) -> str:
    """Applies `fn` to every template tag outside raw blocks."""
    out, pos = [], 0
    for raw in RAW.finditer(text):
        out.append(TAG.sub(lambda m: fn(m.group(0)), text[pos : raw.start()]))
        out.append(raw.group(0))
        pos = raw.end()
    out.append(TAG.sub(lambda m: fn(m.group(0)), text[pos:]))
    return "".join(out)


def to_jinja(tag: str) -> str:
    tag = TERA_REPLACE.sub(r"replace(\1, \2)", tag)
    code = STRING.sub('""', tag)
    if NAMED_ARG.search(code):
        sys.exit(f"gen.py: Tera-only syntax (a named argument) in `{tag}`: rewrite it portably")
    return tag


def prefixer(names: list[str]):
    """Rewrites the answers' names to `cookiecutter.NAME` outside string literals."""
    ident = re.compile(r"(?<![\w.])(" + "|".join(map(re.escape, names)) + r")\b")

    def fn(tag: str) -> str:
        if tag.startswith("{#"):
            return tag
        parts = STRING.split(tag)
        return "".join(p if i % 2 else ident.sub(r"cookiecutter.\1", p) for i, p in enumerate(parts))

    return fn


def tree(root: Path) -> dict[str, tuple[bytes, int]]:
    files = {}
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and rel != MANIFEST:
            files[rel] = (path.read_bytes(), path.stat().st_mode & 0o777)
    return files


def source_files(v2: bool) -> list[tuple[str, bytes, int]]:
    files = tree(SOURCE)
    if v2:
        files.update(tree(V2))
        for line in V2_REMOVED.read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                del files[line.strip()]
    return [(rel, data, mode) for rel, (data, mode) in sorted(files.items())]


def extra_files(count: int, heavy: bool = False) -> list[tuple[str, bytes, int]]:
    """`count` small modules in groups of 40; one in four mentions the answers (longer ones when `heavy`)."""
    files = []
    for i in range(count):
        group, index = divmod(i, 40)
        name = f"src/{{{{ package_name }}}}/generated/group_{group:02d}/module_{index:03d}.py"
        if i % 4 == 0:
            header = f'"""Generated table {i} of {{{{ project_name }}}} ({{{{ package_name }}}}.generated)."""\n'
        else:
            header = f'"""Generated table {i}."""\n'
        rows = "".join(f"    ({i}, {j}, {(i * 31 + j * 17) % 997}.{j:02d}),\n" for j in range(80 if heavy else 8))
        body = f"{header}\nTABLE_{i} = [\n{rows}]\n\n\ndef lookup(key: int) -> float:\n"
        body += f"    return {{row[1]: row[2] for row in TABLE_{i}}}.get(key, 0.0)\n"
        files.append((name, body.encode(), 0o644))
    for group in range((count + 39) // 40):
        files.append((f"src/{{{{ package_name }}}}/generated/group_{group:02d}/__init__.py", b"", 0o644))
    if count:
        files.append(("src/{{ package_name }}/generated/__init__.py", b'"""Generated tables."""\n', 0o644))
    return files


WORDS = (
    "the software is provided as is without warranty of any kind express or implied including but not limited "
    "to the warranties of merchantability fitness for a particular purpose and noninfringement in no event shall "
    "the authors or copyright holders be liable for any claim damages or other liability whether in an action of "
    "contract tort or otherwise arising from out of or in connection with the software or the use or other "
    "dealings in the software redistribution and use in source and binary forms with or without modification are "
    "permitted provided that the following conditions are met"
).split()
HASH_COMMENT = (".py", ".yaml", ".yml", ".toml", ".sh", ".sbatch", "Makefile", "Dockerfile{% endif %}", ".gitignore",
                ".editorconfig", ".dockerignore{% endif %}")


def prose(seed: int, words: int) -> str:
    """Deterministic license-like prose, wrapped at 100 columns."""
    out, line = [], []
    for i in range(words):
        line.append(WORDS[(seed * 7 + i * 13) % len(WORDS)])
        if len(" ".join(line)) > 90:
            out.append(" ".join(line))
            line = []
    out.append(" ".join(line))
    return "\n".join(out) + "\n"


def heavy_extra(rel: str, seed: int) -> str:
    """Long realistic content for one file of the template, by kind."""
    name = rel.rsplit("/", 1)[-1]
    if name == "LICENSE":
        return "\nCopyright {{ author }}\n\n" + "".join(prose(seed + k, 400) + "\n" for k in range(6))
    if name.endswith(".md"):
        parts = []
        for k in range(6):
            parts.append(f"\n## {{{{ project_name }}}}: section {k}\n\n" + prose(seed + k, 90))
            parts.append(
                "\n{% raw %}\n```yaml\njob:\n  script:\n    - echo ${{ secrets.TOKEN }} {{ matrix.python }}\n"
                "    - run: ${{ github.ref }}\n```\n{% endraw %}\n"
            )
        return "".join(parts)
    if name.endswith(".py"):
        funcs = []
        for k in range(12):
            funcs.append(
                f"\n\ndef helper_{seed}_{k}(value: int) -> int:\n"
                f'    """Helper {k} of {{{{ package_name }}}} ({{{{ project_name }}}}, {{{{ python_version }}}})."""\n'
                f"    # Tuned for the {{{{ slurm_partition }}}} partition; see {{{{ project_slug }}}} docs.\n"
                f"    return value * {k + 1} + {seed}\n"
            )
        return "".join(funcs)
    if name.endswith(HASH_COMMENT):
        lines = [f"# {{{{ project_name }}}} ({{{{ package_name }}}}): {line}" for line in prose(seed, 160).splitlines()]
        return "\n" + "\n".join(lines) + "\n"
    return ""


def heavy_files(files: list[tuple[str, bytes, int]]) -> list[tuple[str, bytes, int]]:
    out = []
    for seed, (rel, data, mode) in enumerate(files):
        text = text_of(data)
        if text is not None and rel != MANIFEST:
            data = (text + heavy_extra(rel, seed)).encode()
        out.append((rel, data, mode))
    return out


def write(path: Path, data: bytes, mode: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    path.chmod(mode)


def text_of(data: bytes) -> str | None:
    if b"\0" in data[:8000]:
        return None
    try:
        return data.decode()
    except UnicodeDecodeError:
        return None


def yaml_scalar(value) -> str:
    # JSON scalars are valid YAML (double-quoted strings, true/false, numbers).
    return json.dumps(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--extra", type=int, default=0, help="number of generated files to add")
    parser.add_argument("--v2", action="store_true", help="version 2 of the template")
    parser.add_argument("--heavy", action="store_true", help="the content-heavy variant")
    args = parser.parse_args()

    manifest_text = ((V2 if args.v2 else SOURCE) / MANIFEST).read_text(encoding="utf-8")
    questions = tomllib.loads(manifest_text)["questions"]
    names = [q["name"] for q in questions]
    files = source_files(args.v2)
    if args.heavy:
        files = heavy_files(files)
    files += extra_files(args.extra, args.heavy)
    if args.out.exists():
        shutil.rmtree(args.out)

    # devkit: the source as it is.
    devkit = args.out / "devkit"
    write(devkit / MANIFEST, manifest_text.encode(), 0o644)
    for rel, data, mode in files:
        write(devkit / rel, data, mode)

    # copier: templated files get the `.jinja` suffix (devkit's rule decides which); paths are always rendered.
    copier = args.out / "copier"
    lines = ["_subdirectory: template", '_templates_suffix: ".jinja"', ""]
    for q in questions:
        kind = {"bool": "bool", "int": "int"}.get(q.get("type", "string"), "str")
        lines.append(f"{q['name']}:")
        lines.append(f"  type: {kind}")
        lines.append(f"  help: {yaml_scalar(q['help'])}")
        if "choices" in q:
            lines.append(f"  choices: {json.dumps(q['choices'])}")
        default = q["default"]
        if isinstance(default, str):
            default = map_tags(default, to_jinja)
        lines.append(f"  default: {yaml_scalar(default)}")
    write(copier / "copier.yml", ("\n".join(lines) + "\n").encode(), 0o644)
    write(copier / "template" / COPIER_ANSWERS, COPIER_ANSWERS_BODY.encode(), 0o644)
    for rel, data, mode in files:
        path = map_tags(rel, to_jinja)
        text = text_of(data)
        if text is not None and has_syntax(text):
            write(copier / "template" / (path + ".jinja"), map_tags(text, to_jinja).encode(), mode)
        else:
            write(copier / "template" / path, data, mode)

    # cookiecutter: one root folder named by an answer, every answer read as `cookiecutter.NAME`; every text
    # file is rendered (plain text renders to itself), binary files are copied.
    cc = args.out / "cookiecutter"
    prefix = prefixer(names)

    def cookie(text: str) -> str:
        return map_tags(map_tags(text, to_jinja), prefix)

    context = {}
    for q in questions:
        default = q["default"]
        if isinstance(default, str):
            default = cookie(default)
        if "choices" in q:
            default = [default] + [c for c in q["choices"] if c != default]
        context[q["name"]] = default
    write(cc / "cookiecutter.json", (json.dumps(context, indent=2) + "\n").encode(), 0o644)
    root = cc / "{{cookiecutter.project_slug}}"
    for rel, data, mode in files:
        text = text_of(data)
        body = data if text is None else cookie(text).encode()
        write(root / cookie(rel), body, mode)

    print(f"{len(files)} template files in {args.out}/{{devkit,copier,cookiecutter}}")


if __name__ == "__main__":
    main()
