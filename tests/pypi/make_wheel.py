"""Writes a minimal pure-Python wheel NAME-VERSION (one module) into OUTDIR, without any build backend."""
import base64
import hashlib
import sys
import zipfile
from pathlib import Path


def main(name: str, version: str, outdir: str) -> None:
    files = {
        f"{name}/__init__.py": f'VERSION = "{version}"\n',
        f"{name}-{version}.dist-info/METADATA": f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n",
        f"{name}-{version}.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: make_wheel\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = f"{name}-{version}.dist-info/RECORD"
    lines = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        lines.append(f"{path},sha256={digest},{len(text.encode())}")
    lines.append(f"{record},,")
    files[record] = "\n".join(lines) + "\n"
    out = Path(outdir) / f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(out, "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    print(out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
