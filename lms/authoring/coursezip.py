"""Course folders as zip archives: a reproducible export and a careful import. Pure: no Flask, no database.

The importer trusts nothing in the archive: it refuses absolute paths, ``..``, backslashes, links, encrypted
entries, too many files and too many bytes (checked while reading, not from the sizes the archive claims).
"""

from __future__ import annotations

import io
import stat
import zipfile
from dataclasses import dataclass

from lms.messages import N_

MAX_ARCHIVE_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
MAX_FILES = 500
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)  # so that exporting the same files twice gives the same bytes


class ArchiveError(ValueError):
    """The archive cannot be imported; ``entry`` names the member at fault, if any."""

    def __init__(self, message: str, entry: str | None = None) -> None:
        super().__init__(message)
        self.message, self.entry = message, entry

    def __str__(self) -> str:
        return self.full_message

    @property
    def full_message(self) -> str:
        """The message with the member at fault in front, still translatable."""
        return N_("%(entry)s: %(problem)s", entry=self.entry, problem=self.message) if self.entry else self.message


@dataclass
class CourseArchive:
    #: The single top-level folder of the archive (the course id), or None when course.yaml sits at the top.
    folder: str | None
    files: dict[str, bytes]


def write_course_zip(slug: str, files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(f"{slug}/{path}", date_time=_FIXED_TIME)
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return buffer.getvalue()


def _ignored(parts: list[str]) -> bool:
    # Finder and Explorer add these; they are not part of the course.
    return parts[0] == "__MACOSX" or any(part.startswith(".") for part in parts) or parts[-1] == "Thumbs.db"


def _checked_parts(name: str) -> list[str]:
    if "\\" in name:
        raise ArchiveError(N_("path uses backslashes; archive paths use '/'"), name)
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        raise ArchiveError(N_("absolute path: every file must be inside the course folder"), name)
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if any(part == ".." for part in parts):
        raise ArchiveError(N_("path leaves the course folder ('..')"), name)
    if not parts:
        raise ArchiveError(N_("empty file name"), name)
    return parts


def read_course_zip(data: bytes) -> CourseArchive:
    if len(data) > MAX_ARCHIVE_BYTES:
        raise ArchiveError(N_("the archive is larger than %(size)s MB", size=MAX_ARCHIVE_BYTES // 1024 // 1024))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError):
        raise ArchiveError(N_("not a zip archive")) from None
    entries: list[tuple[list[str], zipfile.ZipInfo]] = []
    with archive:
        for info in archive.infolist():
            parts = _checked_parts(info.filename)
            if info.is_dir() or _ignored(parts):
                continue
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise ArchiveError(N_("symbolic links are not allowed"), info.filename)
            if info.flag_bits & 0x1:
                raise ArchiveError(N_("encrypted entries are not allowed"), info.filename)
            entries.append((parts, info))
        if not entries:
            raise ArchiveError(N_("the archive holds no files"))
        if len(entries) > MAX_FILES:
            raise ArchiveError(N_("the archive holds %(count)s files; at most %(limit)s are allowed", count=len(entries),
                                  limit=MAX_FILES))
        tops = {parts[0] for parts, _info in entries}
        folder = None
        if len(tops) == 1 and all(len(parts) > 1 for parts, _info in entries):
            folder = tops.pop()
        files: dict[str, bytes] = {}
        total = 0
        for parts, info in entries:
            rel = "/".join(parts[1:] if folder else parts)
            with archive.open(info) as member:
                try:
                    content = member.read(MAX_TOTAL_BYTES - total + 1)
                except (zipfile.BadZipFile, OSError, EOFError) as exc:
                    raise ArchiveError(N_("damaged entry (%(problem)s)", problem=str(exc)), info.filename) from None
            total += len(content)
            if total > MAX_TOTAL_BYTES:
                raise ArchiveError(N_("the files add up to more than %(size)s MB unpacked",
                                      size=MAX_TOTAL_BYTES // 1024 // 1024))
            if rel in files:
                raise ArchiveError(N_("the same file appears twice"), info.filename)
            files[rel] = content
    return CourseArchive(folder=folder, files=files)
