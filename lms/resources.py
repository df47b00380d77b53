"""Where the files the site ships are found at run time.

Templates, translations and the JSON-LD contexts and schemas live inside the package. The static files, the course
catalogue (``courses/``) and the Alembic migrations are kept at the top of the repository (where authors and the
other helpers expect them); the wheel carries copies of them in ``lms/shipped/`` (see ``build_hooks.py``). An
installed site therefore reads ``lms/shipped/<name>``; an editable install (``make run``, the tests) has no such
folder and reads the checkout's own folder, the one directly beside the package.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
SHIPPED_DIR = PACKAGE_DIR / "shipped"
#: The folders a wheel copies into ``lms/shipped/``.
SHIPPED_FOLDERS = ("static", "courses", "migrations", "instruments")


def shipped(name: str) -> Path:
    """The folder ``name`` (one of :data:`SHIPPED_FOLDERS`) of the installed package, or of the checkout."""
    if name not in SHIPPED_FOLDERS:
        raise ValueError(f"{name!r} is not a shipped folder")
    installed = SHIPPED_DIR / name
    if installed.is_dir():
        return installed
    checkout = PACKAGE_DIR.parent / name
    if checkout.is_dir() and (PACKAGE_DIR.parent / "pyproject.toml").is_file():
        return checkout
    raise FileNotFoundError(f"the package was installed without its {name}/ folder (looked in {installed})")


def default_instance_path() -> str:
    """Per-user data folder for the SQLite file and development keys, used when LMS_INSTANCE_PATH is not set:
    ``$XDG_DATA_HOME/lms``, else ``~/.local/share/lms``. Never inside the installed package."""
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return str(Path(base) / "lms")
