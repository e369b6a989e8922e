"""Copy front-end packages from node_modules into static files and compile translations.

Run by `make setup`. Third-party code is never committed: it comes from npm (package-lock.json)
and is copied here at build time. Translations are compiled with polib so that a machine
without GNU gettext can still build.
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "leadflow" / "static" / "vendor"

# (package file in node_modules, name under static/vendor)
FILES = [
    ("htmx.org/dist/htmx.min.js", "htmx.min.js"),
    ("@picocss/pico/css/pico.min.css", "pico.min.css"),
    ("echarts/dist/echarts.min.js", "echarts.min.js"),
]


def copy_vendor() -> None:
    VENDOR.mkdir(parents=True, exist_ok=True)
    for src, dst in FILES:
        path = ROOT / "node_modules" / src
        if not path.exists():
            sys.exit(f"missing {path}: run `npm ci` first")
        target = VENDOR / dst
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copyfile(path, target)


def compile_messages() -> None:
    import polib

    for po_path in (ROOT / "leadflow").glob("**/locale/*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if not mo_path.exists() or mo_path.stat().st_mtime < po_path.stat().st_mtime:
            # Write aside and rename: parallel test workers may compile at the same time.
            tmp_path = mo_path.with_suffix(f".mo.{os.getpid()}")
            polib.pofile(str(po_path)).save_as_mofile(str(tmp_path))
            os.replace(tmp_path, mo_path)


if __name__ == "__main__":
    copy_vendor()
    compile_messages()
