"""Content-hashed static file names, so that browsers and nginx may cache static files for a year.

``url_for("static", filename="css/site.css")`` gives ``/static/css/site.<12 hex digits of its SHA-256>.css``. The
app serves such a name itself (development, tests, a site without nginx) with a one-year immutable cache header; a
name whose digest is not the file's current one (a page from before an upgrade) still gets the current file, with
an ordinary short cache. ``lms static collect DIR`` writes the files under both names for nginx to serve
(deploy/nginx/lms.conf).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

from flask import Flask, Response, current_app, send_from_directory

from lms.memo import Memo

DIGEST_LENGTH = 12
ONE_YEAR = 365 * 24 * 3600
_HASHED = re.compile(r"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{%d})(?P<suffix>\.[A-Za-z0-9]+)$" % DIGEST_LENGTH)

#: (path, mtime_ns, size) -> digest; a file changed while the server runs (development) gets a new name.
_digests: dict[tuple[str, int, int], str] = {}


def digest_of(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    digest = _digests.get(key)
    if digest is None:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:DIGEST_LENGTH]
        _digests[key] = digest
    return digest


def hashed_name(filename: str, digest: str) -> str:
    stem, dot, suffix = filename.rpartition(".")
    if not dot or "/" in suffix:
        return f"{filename}.{digest}"
    return f"{stem}.{digest}.{suffix}"


def _folder(app: Flask) -> Path:
    return Path(app.static_folder or "")


#: (static folder, filename) -> the file's path when it lies inside the folder, else None. Resolving a path walks
#: every component of it on disk; a page asks for the same few names on every request.
_inside: dict[tuple[str, str], Path | None] = {}


def _static_path(folder: str, filename: str) -> Path | None:
    key = (folder, filename)
    if key not in _inside:
        base = Path(folder)
        path = base / filename
        _inside[key] = path if path.resolve().is_relative_to(base.resolve()) else None
    return _inside[key]


def follows_edits(app: Flask) -> bool:
    """Whether static names follow files edited while the app runs (debug or template reloading: development);
    otherwise a file's name is computed once per process, as the files change only with a deployment."""
    return app.debug or bool(app.config.get("TEMPLATES_AUTO_RELOAD"))


def _current_name(folder: str, filename: str) -> str:
    path = _static_path(folder, filename)
    if path is not None and (digest := digest_of(path)):
        return hashed_name(filename, digest)
    return filename


#: (static folder, filename) -> its hashed name, when the app does not follow edits (no stat() per link).
_fixed_names: Memo[tuple[str, str], str] = Memo(256)


def _add_digest(endpoint: str, values: dict) -> None:
    if endpoint != "static" or "filename" not in values:
        return
    app = current_app._get_current_object()
    folder, filename = app.static_folder or "", values["filename"]
    if follows_edits(app):
        values["filename"] = _current_name(folder, filename)
    else:
        values["filename"] = _fixed_names.get((folder, filename), lambda: _current_name(folder, filename))


def _serve(filename: str) -> Response:
    match = _HASHED.match(filename)
    if match:
        plain = match["stem"] + match["suffix"]
        folder = _folder(current_app)
        inside = (folder / plain).resolve().is_relative_to(folder.resolve())
        digest = digest_of(folder / plain) if inside else None
        if digest == match["digest"]:
            response = send_from_directory(folder, plain, max_age=ONE_YEAR)
            response.cache_control.immutable = True
            response.cache_control.public = True
            return response
        if digest is not None:
            return current_app.send_static_file(plain)
    return current_app.send_static_file(filename)


def init_app(app: Flask) -> None:
    """Give every static URL its digest and serve the digested names (the ``static`` endpoint keeps its name)."""
    app.url_defaults(_add_digest)
    app.view_functions["static"] = _serve


def collect(source: Path, target: Path) -> list[str]:
    """Copy every static file to ``target`` under its plain and its hashed name; return the hashed names."""
    written = []
    for path in sorted(p for p in source.rglob("*") if p.is_file()):
        relative = path.relative_to(source).as_posix()
        digest = digest_of(path)
        assert digest is not None
        for name in (relative, hashed_name(relative, digest)):
            destination = target / name
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
        written.append(hashed_name(relative, digest))
    return written
