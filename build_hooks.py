"""setuptools hook (``[tool.setuptools.cmdclass]`` in pyproject.toml): what a built package carries besides code.

- The Chinese catalogue is compiled (``.po`` to ``.mo``) while the package is built; compiled files are never
  committed.
- The top-level ``static/``, ``courses/``, ``instruments/`` and ``migrations/`` folders are copied into ``lms/shipped/``, where
  ``lms.resources.shipped`` finds them in an installed site.

An editable install (``pip install -e .``) keeps reading the checkout's folders; only the catalogue is compiled in
place there.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
SHIPPED_FOLDERS = ("static", "courses", "migrations", "instruments")


def compile_catalogues(translations: Path) -> list[Path]:
    """Compile every ``messages.po`` below ``translations`` next to itself, skipping fuzzy entries (as pybabel)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po in sorted(translations.rglob("*.po")):
        with po.open("rb") as f:
            catalog = read_po(f)
        mo = po.with_suffix(".mo")
        with mo.open("wb") as f:
            write_mo(f, catalog, use_fuzzy=False)
        written.append(mo)
    return written


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            compile_catalogues(ROOT / "lms" / "translations")
            return
        package = Path(self.build_lib) / "lms"
        compile_catalogues(package / "translations")
        for name in SHIPPED_FOLDERS:
            target = package / "shipped" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
