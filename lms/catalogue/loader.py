"""Read course folders into specs and report every problem with its file and line. Pure: no Flask, no database.

The format is documented in docs/course-format.md. ``load_catalogue`` never stops at the first problem: it reports
them all, and a course with any problem is returned without a spec so that it can never be half-imported.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lms.catalogue.exercises import FOLDER as EXERCISES_FOLDER
from lms.catalogue.exercises import read_exercises
from lms.catalogue.fields import FieldReader
from lms.catalogue.quiztext import markup_problems
from lms.catalogue.skillsfile import ID_PATTERN, SKILLS_FILE, load_skills
from lms.catalogue.skillsfile import relative_name as _rel
from lms.catalogue.spec import (
    AREAS,
    FEEDBACK_MODES,
    GRADE_METHODS,
    REVIEW_TIMES,
    CourseSpec,
    DrawRule,
    LessonSpec,
    Problem,
    QuizSpec,
    SkillsFramework,
)
from lms.catalogue.yamlines import YamlSyntaxError, line_of, load_with_lines
from lms.messages import N_
from lms.quizzes.gift import GiftError, parse

COURSE_FILE = "course.yaml"
_ID = ID_PATTERN
_LESSON_FILE = re.compile(r"^(\d{2})-([a-z0-9][a-z0-9-]*)\.md$")
_LINK = re.compile(r"(!?)\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HAN = re.compile(r"[\u4e00-\u9fff]")
ASSET_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
               ".webp": "image/webp", ".svg": "image/svg+xml"}  # fmt: skip
MAX_ASSET_BYTES = 2 * 1024 * 1024


@dataclass
class LoadResult:
    courses: list[CourseSpec] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: What imports but may surprise (GIFT that Moodle reads in a way its author may not expect).
    warnings: list[Problem] = field(default_factory=list)
    skills: SkillsFramework | None = None
    #: Course ids that were found but have problems (not in ``courses``).
    rejected: list[str] = field(default_factory=list)


def count_han(text: str) -> int:
    return len(_HAN.findall(text))


def folder_files(folder: Path) -> dict[str, bytes]:
    """Every file of a course folder by its relative POSIX path, hidden files left out: a version's source."""
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(p for p in folder.rglob("*") if p.is_file() and not _hidden(p, folder))
    }


def files_hash(files: dict[str, bytes]) -> str:
    """SHA-256 over every file's relative path and bytes: the identity of one version of a course."""
    digest = hashlib.sha256()
    for name in sorted(files, key=lambda n: n.split("/")):  # the order of Path sorting, as versions were hashed
        rel, data = name.encode("utf-8"), files[name]
        digest.update(len(rel).to_bytes(4, "big") + rel + len(data).to_bytes(8, "big") + data)
    return digest.hexdigest()


def content_hash(folder: Path) -> str:
    return files_hash(folder_files(folder))


def _hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


# --- the catalogue ------------------------------------------------------------------------------------------


def find_course_folders(path: Path) -> tuple[Path, list[Path]]:
    """Return (catalogue root, course folders) for a catalogue folder or a single course folder."""
    path = path.resolve()
    if (path / COURSE_FILE).is_file():
        return path.parent, [path]
    folders = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))
    return path, folders


def load_catalogue(path: Path, skills_path: Path | None = None) -> LoadResult:
    """Load every course under ``path`` (a catalogue folder, or one course folder)."""
    result = LoadResult()
    if not path.exists():
        result.problems.append(Problem(str(path), 1, N_("no such file or folder")))
        return result
    root, folders = find_course_folders(path)
    skills_file = skills_path or root / SKILLS_FILE
    framework, skill_problems = load_skills(skills_file, root)
    result.problems.extend(skill_problems)
    result.skills = framework
    known_ids = {p.name for p in root.iterdir() if (p / COURSE_FILE).is_file()} if root.is_dir() else set()
    for folder in folders:
        if not (folder / COURSE_FILE).is_file():
            missing = N_("a course folder needs a %(file)s", file=COURSE_FILE)
            result.problems.append(Problem(_rel(folder, root), 1, missing))
            continue
        spec, problems = load_course(folder, root, framework, known_ids, result.warnings)
        result.problems.extend(problems)
        if spec is not None and not problems:
            result.courses.append(spec)
        else:
            result.rejected.append(folder.name)
    cycle_problems, cyclic = _prerequisite_cycles(result.courses)
    result.problems.extend(cycle_problems)
    if cyclic:
        result.rejected.extend(sorted(cyclic))
        result.courses = [c for c in result.courses if c.id not in cyclic]
    result.problems.sort(key=lambda p: (p.path, p.line))
    return result


def _prerequisite_cycles(courses: list[CourseSpec]) -> tuple[list[Problem], set[str]]:
    """Every course on a prerequisite cycle, each reported at its own 'prerequisites' line."""
    by_id = {c.id: c for c in courses}
    problems: list[Problem] = []
    on_cycle: set[str] = set()
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in by_id[node].prerequisites:
            if nxt not in by_id:
                continue
            if state.get(nxt) == 1:
                cycle = trail[trail.index(nxt):]
                for member in cycle:
                    if member in on_cycle:
                        continue
                    on_cycle.add(member)
                    spec = by_id[member]
                    start = cycle.index(member)
                    loop = cycle[start:] + cycle[:start] + [member]
                    problems.append(Problem(
                        f"{spec.path}/{COURSE_FILE}", spec.lines.get("prerequisites", 1),
                        N_("prerequisite cycle: %(courses)s", courses=" -> ".join(loop)),
                    ))  # fmt: skip
            elif state.get(nxt) is None:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for course_id in sorted(by_id):
        if state.get(course_id) is None:
            visit(course_id, [course_id])
    return problems, on_cycle


def load_course(
    folder: Path,
    root: Path,
    framework: SkillsFramework | None,
    known_course_ids: set[str],
    warnings: list[Problem] | None = None,
) -> tuple[CourseSpec | None, list[Problem]]:
    """A course's spec (None if it has any problem) and its problems; its warnings go to ``warnings``."""
    reader = _CourseReader(folder, root, framework, known_course_ids)
    reader.warnings = warnings if warnings is not None else []
    spec = reader.read()
    return (spec if not reader.problems else None), reader.problems


class _CourseReader:
    """Reads one course folder, collecting problems instead of stopping at the first."""

    def __init__(self, folder: Path, root: Path, framework: SkillsFramework | None, known: set[str]) -> None:
        self.folder, self.root, self.framework, self.known = folder, root, framework, known
        self.problems: list[Problem] = []
        self.warnings: list[Problem] = []
        self.assets: dict[str, bytes] = {}

    def problem(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(_rel(path, self.root), line, message))

    # course.yaml ------------------------------------------------------------------------------------------

    def read(self) -> CourseSpec | None:
        path = self.folder / COURSE_FILE
        data, lines = self._yaml(path, path.read_bytes())
        if data is None:
            return None
        if not isinstance(data, dict):
            self.problem(path, 1, N_("course.yaml must be a mapping of fields"))
            return None
        get = FieldReader(self, path, data, lines)
        course_id = get.text("id", pattern=_ID, hint=N_("lowercase letters, digits and '-'"))
        if course_id and course_id != self.folder.name:
            self.problem(path, line_of(lines, "id"), N_("id '%(id)s' must equal the folder name '%(folder)s'", id=course_id, folder=self.folder.name))
        area = get.choice("area", AREAS)
        vertical = data.get("vertical")
        if vertical is not None:
            if self.framework and vertical not in self.framework.vertical_ids:
                self.problem(path, line_of(lines, "vertical"), N_("unknown vertical track '%(vertical)s'", vertical=vertical))
            elif area != "product":
                self.problem(path, line_of(lines, "vertical"), N_("only product-area courses name a vertical track"))
        spec = CourseSpec(
            id=course_id or self.folder.name,
            title=get.localised("title"),
            summary=get.localised("summary"),
            area=area or "",
            vertical=vertical,
            level=get.integer("level", 1, 3),
            skills=get.skills("skills", required=True),
            estimated_minutes=get.integer("estimated_minutes", 1, 10_000),
            required_minutes=get.integer("required_minutes", 0, 10_000),
            prerequisites=get.id_list("prerequisites"),
            certificate=get.boolean("certificate"),
            path=_rel(self.folder, self.root),
            lines={key[0]: line for key, line in lines.items() if len(key) == 1},
        )
        if spec.required_minutes > spec.estimated_minutes:
            self.problem(path, line_of(lines, "required_minutes"), N_("required_minutes cannot exceed estimated_minutes"))
        for prerequisite in spec.prerequisites:
            if prerequisite == spec.id:
                self.problem(path, line_of(lines, "prerequisites"), N_("a course cannot be its own prerequisite"))
            elif prerequisite not in self.known:
                self.problem(path, line_of(lines, "prerequisites"), N_("unknown prerequisite course '%(course)s'", course=prerequisite))
        spec.assets = self.assets = self._assets()
        spec.lessons = self._lessons(spec)
        spec.quizzes = self._quizzes(path, data.get("quizzes"), lines)
        spec.exercises = read_exercises(self)
        self._unknown_files()
        spec.files = folder_files(self.folder)
        spec.content_hash = files_hash(spec.files)
        return spec

    def _yaml(self, path: Path, raw: bytes, first_line: int = 1) -> tuple[Any, dict]:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(path, raw[: exc.start].count(b"\n") + 1, N_("file is not UTF-8 text"))
            return None, {}
        try:
            return load_with_lines(text, first_line)
        except YamlSyntaxError as exc:
            self.problem(path, exc.line, exc.message)
            return None, {}

    # assets -----------------------------------------------------------------------------------------------

    def _assets(self) -> dict[str, bytes]:
        folder = self.folder / "assets"
        assets: dict[str, bytes] = {}
        if not folder.is_dir():
            return assets
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue
            if path.is_dir() or path.suffix.lower() not in ASSET_TYPES:
                self.problem(path, 1, N_("assets may only be images (%(types)s)", types=", ".join(sorted(ASSET_TYPES))))
                continue
            if path.stat().st_size > MAX_ASSET_BYTES:
                self.problem(path, 1, N_("image is larger than %(size)s MB", size=MAX_ASSET_BYTES // 1024 // 1024))
                continue
            assets[path.name] = path.read_bytes()
        return assets

    def _unknown_files(self) -> None:
        allowed_dirs = {"lessons", "quizzes", "assets", EXERCISES_FOLDER}
        for path in sorted(self.folder.iterdir()):
            if path.name.startswith(".") or path.name == COURSE_FILE or path.name in allowed_dirs:
                continue
            self.problem(path, 1, N_("unexpected file: a course holds course.yaml, lessons/, quizzes/, exercises/ and assets/"))

    # lessons ----------------------------------------------------------------------------------------------

    def _lessons(self, course: CourseSpec) -> list[LessonSpec]:
        folder = self.folder / "lessons"
        if not folder.is_dir():
            self.problem(self.folder / COURSE_FILE, 1, N_("course has no lessons/ folder"))
            return []
        lessons: list[LessonSpec] = []
        positions: dict[int, str] = {}
        slugs: set[str] = set()
        files = sorted(p for p in folder.iterdir() if not p.name.startswith("."))
        for path in files:
            match = _LESSON_FILE.match(path.name)
            if not match:
                self.problem(path, 1, N_("lesson files are named NN-slug.md (two digits, lowercase slug)"))
                continue
            position, slug = int(match.group(1)), match.group(2)
            if position in positions:
                self.problem(path, 1, N_("duplicate lesson number %(number)s (also %(other)s)", number=f"{position:02d}", other=positions[position]))
            if slug in slugs:
                self.problem(path, 1, N_("duplicate lesson slug '%(slug)s'", slug=slug))
            positions[position] = path.name
            slugs.add(slug)
            lesson = self._lesson(path, position, slug)
            if lesson is not None:
                lessons.append(lesson)
        if not files:
            self.problem(self.folder / COURSE_FILE, 1, N_("course has no lessons"))
        missing = sorted(set(range(1, max(positions, default=0) + 1)) - set(positions))
        if missing:
            self.problem(folder, 1, N_("lesson numbers must run from 01 without gaps; missing %(numbers)s",
                                            numbers=", ".join(f"{m:02d}" for m in missing)))
        lesson_files = {p.name for p in files}
        for lesson in lessons:
            self._check_links(lesson, lesson_files, course)
        return sorted(lessons, key=lambda lesson: lesson.position)

    def _lesson(self, path: Path, position: int, slug: str) -> LessonSpec | None:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            self.problem(path, raw[: exc.start].count(b"\n") + 1, N_("file is not UTF-8 text"))
            return None
        lines = text.split("\n")
        if not lines or lines[0].strip() != "---":
            self.problem(path, 1, N_("a lesson starts with front matter between '---' lines"))
            return None
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            self.problem(path, 1, N_("front matter is not closed by a '---' line"))
            return None
        data, where = self._yaml(path, "\n".join(lines[1:end]).encode("utf-8"), first_line=2)
        if data is None and not where:
            return None
        if not isinstance(data, dict):
            self.problem(path, 2, N_("front matter must be a mapping (title, estimated_minutes, skills)"))
            return None
        get = FieldReader(self, path, data, where)
        body = "\n".join(lines[end + 1:])
        if not body.strip():
            self.problem(path, end + 2, N_("lesson has no text"))
        return LessonSpec(
            slug=slug,
            position=position,
            title=get.localised("title"),
            estimated_minutes=get.integer("estimated_minutes", 1, 600),
            skills=get.skills("skills", required=True),
            markdown=body,
            path=_rel(path, self.root),
            body_line=end + 2,
            han_chars=count_han(body),
            presence_questions=get.presence_questions("presence_questions"),
        )

    def _check_links(self, lesson: LessonSpec, lesson_files: set[str], course: CourseSpec) -> None:
        path = self.root / lesson.path
        for offset, line in enumerate(lesson.markdown.split("\n")):
            for match in _LINK.finditer(line):
                is_image, target = match.group(1) == "!", match.group(2)
                lineno = lesson.body_line + offset
                if re.match(r"^(https?:|mailto:)", target):
                    if is_image:
                        self.problem(path, lineno, N_("images must come from the course's assets/, not the web"))
                    continue
                if target.startswith("#"):
                    continue
                if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                    self.problem(path, lineno, N_("link scheme not allowed: %(target)s", target=target))
                    continue
                name = target.split("#", 1)[0]
                if name.startswith("../assets/"):
                    if name[len("../assets/"):] not in course.assets:
                        self.problem(path, lineno, N_("image or file not found in assets/: %(name)s", name=name))
                elif is_image:
                    self.problem(path, lineno, N_("images are referenced as ../assets/NAME, not %(target)s", target=target))
                elif name not in lesson_files:
                    self.problem(path, lineno, N_("link points to no lesson of this course: %(target)s", target=target))

    # quizzes ----------------------------------------------------------------------------------------------

    def _quizzes(self, course_path: Path, entries: Any, lines: dict) -> list[QuizSpec]:
        folder = self.folder / "quizzes"
        listed: set[str] = set()
        quizzes: list[QuizSpec] = []
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            self.problem(course_path, line_of(lines, "quizzes"), N_("'quizzes' must be a list"))
            return []
        for i, entry in enumerate(entries):
            where = line_of(lines, "quizzes", i)
            if not isinstance(entry, dict):
                self.problem(course_path, where, N_("each quiz is a mapping with id, title, pass_mark, draw …"))
                continue
            get = FieldReader(self, course_path, entry, lines, prefix=("quizzes", i))
            quiz_id = get.text("id", pattern=_ID, hint=N_("lowercase letters, digits and '-'"))
            if not quiz_id:
                continue
            if quiz_id in listed:
                self.problem(course_path, where, N_("duplicate quiz id '%(quiz)s'", quiz=quiz_id))
            listed.add(quiz_id)
            gift_path = folder / f"{quiz_id}.gift"
            if not gift_path.is_file():
                self.problem(course_path, where, N_("quiz file not found: quizzes/%(quiz)s.gift", quiz=quiz_id))
                continue
            questions = self._gift(gift_path)
            quiz = QuizSpec(
                id=quiz_id,
                title=get.localised("title"),
                pass_mark=get.integer("pass_mark", 1, 100),
                draw=self._draw(course_path, entry.get("draw"), lines, i, questions),
                time_limit_minutes=get.integer("time_limit_minutes", 0, 600, default=0),
                attempts=get.integer("attempts", 0, 100, default=0),
                cooldown_minutes=get.integer("cooldown_minutes", 0, 10_000, default=0),
                feedback=get.choice("feedback", FEEDBACK_MODES, default="after_submit") or "after_submit",
                grade=get.choice("grade", GRADE_METHODS, default="highest") or "highest",
                required=get.boolean("required", default=True),
                questions=questions,
                review={part: get.choice(f"review_{part}", REVIEW_TIMES) or "never"
                        for part in ("marks", "answers", "feedback") if f"review_{part}" in entry},
                open_after_lessons=get.boolean("open_after_lessons") if "open_after_lessons" in entry else None,
                path=_rel(gift_path, self.root),
            )
            quizzes.append(quiz)
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if not path.name.startswith(".") and path.stem not in listed:
                    self.problem(path, 1, N_("quiz file is not listed under 'quizzes' in course.yaml"))
        return quizzes

    def _gift(self, path: Path) -> list:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            self.problem(path, raw[: exc.start].count(b"\n") + 1, N_("file is not UTF-8 text"))
            return []
        warnings: list = []
        try:
            questions = parse(text, _rel(path, self.root), warnings)
        except GiftError as exc:
            for p in exc.problems:
                self.problems.append(Problem(p.filename, p.line, p.message))
            return []
        finally:
            self.warnings.extend(Problem(w.filename, w.line, w.message) for w in warnings)
        known = set(self.framework.skills) if self.framework else None
        for q in questions:
            for message in markup_problems(q, self.assets):
                self.problem(path, q.line, message)
            for skill in q.skills:
                if known is not None and skill not in known:
                    self.problem(path, q.line, N_("unknown skill id '%(skill)s' in question tags", skill=skill))
        if not questions:
            self.problem(path, 1, N_("quiz file has no questions"))
        return questions

    def _draw(self, course_path: Path, draw: Any, lines: dict, i: int, questions: list) -> list[DrawRule]:
        where = line_of(lines, "quizzes", i, "draw")
        pools: dict[str | None, int] = {}
        for q in questions:
            if q.type != "description":
                pools[q.category] = pools.get(q.category, 0) + 1
        total = sum(pools.values())
        if draw is None:
            return [DrawRule(None, total)]
        if isinstance(draw, int) and not isinstance(draw, bool):
            draw = [{"count": draw}]
        if not isinstance(draw, list) or not draw:
            self.problem(course_path, where, N_("'draw' is a number or a list of {category, count}"))
            return []
        rules: list[DrawRule] = []
        for j, rule in enumerate(draw):
            at = line_of(lines, "quizzes", i, "draw", j)
            count = rule.get("count") if isinstance(rule, dict) else None
            category = rule.get("category") if isinstance(rule, dict) else None
            if not isinstance(count, int) or isinstance(count, bool) or count < 1:
                self.problem(course_path, at, N_("each draw rule needs a positive whole 'count'"))
                continue
            available = total if category is None else pools.get(category, 0)
            if category is not None and category not in pools and questions:
                self.problem(course_path, at, N_("no question pool '$CATEGORY: %(category)s' in the quiz file", category=category))
            elif questions and count > available:
                self.problem(course_path, at, N_("draws %(count)s questions but the pool has only %(available)s", count=count, available=available))
            rules.append(DrawRule(category, count))
        return rules
