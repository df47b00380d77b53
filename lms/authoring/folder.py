"""Editing a course folder held as ``{relative path: bytes}``, and checking it with the course checker.

Pure: no Flask, no database. Every edit returns the changed files; the course checker (lms.catalogue.loader) stays
the one judge of what a valid course is, so the browser editor can never save something ``lms courses check``
would refuse without showing it.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import tempfile
from collections.abc import Iterable, Mapping
from datetime import date
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from anyascii import anyascii

from lms.catalogue.loader import COURSE_FILE, load_course
from lms.catalogue.skillsfile import load_skills
from lms.catalogue.spec import CourseSpec, Problem
from lms.messages import N_

LESSON_NAME = re.compile(r"^lessons/(\d{2})-([a-z0-9][a-z0-9-]*)\.md$")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{1,62}$")
TEXT_SUFFIXES = (".yaml", ".md", ".gift", ".svg")


class FolderError(ValueError):
    """An edit that cannot be made; ``field`` names the form field at fault."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message, self.field = message, field


def file_tag(data: bytes | None) -> str:
    """A short fingerprint of a file as an editor loaded it, to notice that someone else saved it meanwhile."""
    return hashlib.sha256(data or b"").hexdigest()[:16]


# --- checking ------------------------------------------------------------------------------------------------


def check(slug: str, files: dict[str, bytes], skills_file: Path, known_courses: set[str]) -> tuple[CourseSpec | None, list[Problem]]:
    """Run the course checker on the files, written to a temporary folder named ``slug``."""
    with tempfile.TemporaryDirectory(prefix="lms-draft-") as tmp:
        root = Path(tmp)
        folder = root / slug
        for rel, data in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        folder.mkdir(exist_ok=True)
        framework, problems = load_skills(skills_file, skills_file.parent)
        if not (folder / COURSE_FILE).is_file():
            return None, [*problems, Problem(f"{slug}/{COURSE_FILE}", 1, N_("a course folder needs a %(file)s", file=COURSE_FILE))]
        spec, course_problems = load_course(folder, root, framework, known_courses | {slug})
        problems = sorted([*problems, *course_problems], key=lambda p: (p.path, p.line))
        return (spec if not problems else None), problems


def problems_by_file(slug: str, problems: list[Problem]) -> dict[str, list[Problem]]:
    """Problems keyed by the path inside the course folder (``lessons/01-x.md``)."""
    grouped: dict[str, list[Problem]] = {}
    prefix = slug + "/"
    for problem in problems:
        rel = problem.path.removeprefix(prefix)
        grouped.setdefault(rel, []).append(problem)
    return grouped


# --- course.yaml ---------------------------------------------------------------------------------------------


def dump_yaml(data: Any) -> bytes:
    import yaml  # on first use (worker memory): course files, checks, the skills framework once per process

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000).encode()


def course_data(files: dict[str, bytes]) -> dict:
    """course.yaml as a mapping; an unreadable file gives an empty mapping (the checker reports why)."""
    import yaml

    try:
        data = yaml.safe_load(files.get(COURSE_FILE, b"").decode("utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    return data if isinstance(data, dict) else {}


def suggest_code(title: str, taken: Iterable[str] = (), today: date | None = None) -> str:
    """A code for a course, lesson or quiz made from its title: the title in Latin letters (退货流程 → tuihuoliucheng,
    "Returns 101" → returns-101), else a date (c-20261206); "-2", "-3"… when one is taken. Always matches SLUG."""
    base = re.sub(r"[^a-z0-9]+", "-", anyascii(title or "").lower()).strip("-")[:40].strip("-")
    if len(base) < 2:
        base = f"c-{(today or date.today()):%Y%m%d}"
    taken = set(taken)
    code, n = base, 1
    while code in taken:
        n += 1
        code = f"{base}-{n}"
    return code


def skeleton(slug: str, title_zh: str, title_en: str, area: str, skill: str) -> dict[str, bytes]:
    """A new course: course.yaml and one short lesson, ready to be filled in."""
    if not SLUG.match(slug):
        raise FolderError(N_("Use 2 to 63 lowercase letters, digits and '-', starting with a letter or digit."), "slug")
    course = {
        "id": slug,
        "title": {"zh-CN": title_zh, "en": title_en},
        "summary": {"zh-CN": title_zh, "en": title_en},
        "area": area,
        "vertical": None,
        "level": 1,
        "skills": [skill],
        "estimated_minutes": 30,
        "required_minutes": 15,
        "prerequisites": [],
        "certificate": False,
        "quizzes": [],
    }
    lesson = lesson_bytes({"title": {"zh-CN": title_zh, "en": title_en}, "estimated_minutes": 30, "skills": [skill]},
                          f"# {title_zh}\n")
    return {COURSE_FILE: dump_yaml(course), "lessons/01-intro.md": lesson}


def set_course_fields(files: dict[str, bytes], fields: dict[str, Any]) -> dict[str, bytes]:
    data = course_data(files)
    data.update(fields)
    return {**files, COURSE_FILE: dump_yaml(data)}


# --- lessons -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonFile:
    path: str
    number: int
    slug: str


def lessons(files: dict[str, bytes]) -> list[LessonFile]:
    found = []
    for path in files:
        match = LESSON_NAME.match(path)
        if match:
            found.append(LessonFile(path, int(match.group(1)), match.group(2)))
    return sorted(found, key=lambda lesson: (lesson.number, lesson.slug))


def split_lesson(data: bytes) -> tuple[dict, str]:
    """(front matter, markdown body); a lesson whose front matter cannot be read gives ({}, whole text)."""
    import yaml

    text = data.decode("utf-8-sig", errors="replace")
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for i in range(1, len(lines)):
            if lines[i].strip() == "---":
                try:
                    front = yaml.safe_load("\n".join(lines[1:i])) or {}
                except yaml.YAMLError:
                    break
                if isinstance(front, dict):
                    return front, "\n".join(lines[i + 1:])
                break
    return {}, text


def body_first_line(data: bytes) -> int:
    """File line of the first line the editor shows (the body without its leading blank lines); 1 if unreadable."""
    lines = data.decode("utf-8-sig", errors="replace").split("\n")
    if not lines or lines[0].strip() != "---":
        return 1
    close = next((i for i in range(1, len(lines)) if lines[i].strip() == "---"), None)
    if close is None:
        return 1
    start = close + 1
    while start < len(lines) and not lines[start].strip():
        start += 1
    return start + 1


def lesson_bytes(front: dict, body: str) -> bytes:
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    return b"---\n" + dump_yaml(front) + b"---\n\n" + body.strip("\n").encode("utf-8") + b"\n"


def add_lesson(files: dict[str, bytes], slug: str, front: dict, body: str) -> tuple[dict[str, bytes], str]:
    if not SLUG.match(slug):
        raise FolderError(N_("Use 2 to 63 lowercase letters, digits and '-', starting with a letter or digit."), "slug")
    existing = lessons(files)
    if any(lesson.slug == slug for lesson in existing):
        raise FolderError(N_("This course already has a lesson with that id."), "slug")
    number = (existing[-1].number if existing else 0) + 1
    if number > 99:
        raise FolderError(N_("A course holds at most 99 lessons."), "slug")
    path = f"lessons/{number:02d}-{slug}.md"
    return {**files, path: lesson_bytes(front, body)}, path


def _renamed(files: dict[str, bytes], renames: dict[str, str]) -> dict[str, bytes]:
    """Apply lesson renames and rewrite links between lessons to the new file names."""
    out = {renames.get(path, path): data for path, data in files.items()}
    if not renames:
        return out
    old_names = {old.split("/")[-1]: new.split("/")[-1] for old, new in renames.items()}
    link = re.compile(r"\]\((\./)?(" + "|".join(re.escape(n) for n in old_names) + r")([#)\s])")
    for path in [p for p in out if LESSON_NAME.match(p)]:
        text = out[path].decode("utf-8", errors="surrogateescape")
        new_text = link.sub(lambda m: f"]({m.group(1) or ''}{old_names[m.group(2)]}{m.group(3)}", text)
        if new_text != text:
            out[path] = new_text.encode("utf-8", errors="surrogateescape")
    return out


def _numbered(order: list[LessonFile]) -> dict[str, str]:
    renames = {}
    for number, lesson in enumerate(order, 1):
        new = f"lessons/{number:02d}-{lesson.slug}.md"
        if new != lesson.path:
            renames[lesson.path] = new
    return renames


def move_lesson(files: dict[str, bytes], path: str, delta: int) -> dict[str, bytes]:
    order = lessons(files)
    index = next((i for i, lesson in enumerate(order) if lesson.path == path), None)
    if index is None:
        raise FolderError(N_("No such lesson."))
    target = index + delta
    if not 0 <= target < len(order):
        return files
    order[index], order[target] = order[target], order[index]
    return _renamed(files, _numbered(order))


def delete_lesson(files: dict[str, bytes], path: str) -> dict[str, bytes]:
    order = lessons(files)
    if not any(lesson.path == path for lesson in order):
        raise FolderError(N_("No such lesson."))
    if len(order) == 1:
        raise FolderError(N_("A course needs at least one lesson."))
    remaining = {p: d for p, d in files.items() if p != path}
    return _renamed(remaining, _numbered([lesson for lesson in order if lesson.path != path]))


# --- quizzes -------------------------------------------------------------------------------------------------


def quiz_entries(files: dict[str, bytes]) -> list[dict]:
    entries = course_data(files).get("quizzes") or []
    return [entry for entry in entries if isinstance(entry, dict)]


def set_quiz(files: dict[str, bytes], quiz_id: str, settings: dict) -> dict[str, bytes]:
    """Add or replace the quiz's entry in course.yaml; a new quiz gets an empty GIFT file."""
    data = course_data(files)
    entries = [e for e in (data.get("quizzes") or []) if isinstance(e, dict)]
    entry = {"id": quiz_id, **settings}
    for i, existing in enumerate(entries):
        if existing.get("id") == quiz_id:
            entries[i] = entry
            break
    else:
        entries.append(entry)
    data["quizzes"] = entries
    out = {**files, COURSE_FILE: dump_yaml(data)}
    out.setdefault(f"quizzes/{quiz_id}.gift", b"")
    return out


def delete_quiz(files: dict[str, bytes], quiz_id: str) -> dict[str, bytes]:
    data = course_data(files)
    data["quizzes"] = [e for e in (data.get("quizzes") or []) if not (isinstance(e, dict) and e.get("id") == quiz_id)]
    out = {p: d for p, d in files.items() if p != f"quizzes/{quiz_id}.gift"}
    out[COURSE_FILE] = dump_yaml(data)
    return out


# --- differences ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FileDiff:
    path: str
    status: str  # added | removed | changed
    lines: tuple[str, ...]  # unified diff lines for text; empty for binary files
    binary: bool


def _text(data: bytes) -> list[str] | None:
    try:
        return data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        return None


def diff(old: dict[str, bytes], new: dict[str, bytes]) -> list[FileDiff]:
    out = []
    for path in sorted(set(old) | set(new)):
        before, after = old.get(path), new.get(path)
        if before == after:
            continue
        status = "added" if before is None else "removed" if after is None else "changed"
        a, b = _text(before or b""), _text(after or b"")
        if a is None or b is None or not path.endswith(TEXT_SUFFIXES):
            out.append(FileDiff(path, status, (), True))
            continue
        lines = difflib.unified_diff(a, b, f"a/{path}", f"b/{path}", lineterm="", n=2)
        out.append(FileDiff(path, status, tuple(lines), False))
    return out


# --- images --------------------------------------------------------------------------------------------------

_SIGNATURES = {".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
               ".gif": (b"GIF87a", b"GIF89a")}  # fmt: skip


def asset_name(filename: str, data: bytes, max_bytes: int, existing: Mapping[str, bytes] | None = None) -> str:
    """A safe file name in assets/ for an uploaded image, after checking its size and that it is what it says.

    The name is the original one transliterated to ASCII (退货流程.png → tuihuoliucheng.png); when another image
    of the draft already has that name (``existing``: the draft's files), a short hash of the content is added,
    so an upload never replaces a different image. The same image uploaded again keeps its name."""
    stem, dot, suffix = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].rpartition(".")
    suffix = "." + suffix.lower() if dot else ""
    if suffix not in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"):
        raise FolderError(N_("Upload a PNG, JPEG, GIF, WebP or SVG image."), "image")
    if len(data) > max_bytes:
        raise FolderError(N_("The image is larger than 2 MB."), "image")
    if suffix == ".webp":
        ok = data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    elif suffix == ".svg":
        head = data[:2048].lstrip().lower()
        ok = head.startswith((b"<svg", b"<?xml")) and b"<svg" in data[:4096].lower()
    else:
        ok = data.startswith(_SIGNATURES[suffix])
    if not ok:
        raise FolderError(N_("The file's content is not the image type its name says."), "image")
    safe = re.sub(r"[^a-z0-9_-]+", "-", anyascii(stem).lower()).strip("-")[:60].strip("-") or "image"
    taken = (existing or {}).get(f"assets/{safe}{suffix}")
    if taken is not None and taken != data:
        safe = f"{safe}-{hashlib.sha256(data).hexdigest()[:8]}"
    return safe + suffix
