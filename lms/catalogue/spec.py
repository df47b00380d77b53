"""Plain data for a course read from files: what the loader returns and the importer stores. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field

from lms.quizzes.questions import Question

AREAS = ("product", "compliance", "aigc", "wellbeing", "data", "supply")
LOCALES = ("zh-CN", "en")
FEEDBACK_MODES = ("immediate", "after_submit", "never")
GRADE_METHODS = ("highest", "last", "average")
#: When the review of an attempt shows marks, right answers or feedback (Moodle's review options).
REVIEW_TIMES = ("immediately", "after_passing", "after_last_attempt", "never")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a course, where it is: printed as ``FILE:LINE: message``."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Skill:
    id: str
    kind: str  # horizontal | vertical
    name: dict[str, str]
    descriptors: dict[str, dict[str, str]]
    work_areas: tuple[str, ...]


@dataclass(frozen=True)
class SkillsFramework:
    skills: dict[str, Skill]
    levels: tuple[str, ...]

    @property
    def vertical_ids(self) -> set[str]:
        return {s.id for s in self.skills.values() if s.kind == "vertical"}


@dataclass
class LessonSpec:
    slug: str
    position: int
    title: dict[str, str]
    estimated_minutes: int
    skills: list[str]
    markdown: str
    path: str  # relative to the catalogue root, for messages
    body_line: int  # file line where the markdown body starts
    han_chars: int
    #: Optional one-line questions for presence checks: {"question", "answer", "wrong": [1-3 texts]}.
    presence_questions: list[dict] = field(default_factory=list)


@dataclass
class DrawRule:
    category: str | None  # None: from all questions
    count: int


@dataclass
class QuizSpec:
    id: str
    title: dict[str, str]
    pass_mark: int
    draw: list[DrawRule]
    time_limit_minutes: int
    attempts: int
    cooldown_minutes: int
    feedback: str
    grade: str
    required: bool
    questions: list[Question]
    path: str
    #: Review options and the lesson lock as written; None where course.yaml leaves the default (see QuizSettings).
    review: dict[str, str] = field(default_factory=dict)
    open_after_lessons: bool | None = None


@dataclass
class ExerciseSpec:
    """A rewrite exercise: a flawed sample script the host rewrites until the script checker passes it."""

    key: str  # the slug of exercises/NN-slug.yaml
    position: int
    title: dict[str, str]
    instruction: dict[str, str]
    category: str
    sample: str
    keep: list[str]
    model_answer: str
    explanation: str
    skills: list[str]
    path: str


@dataclass
class CourseSpec:
    id: str
    title: dict[str, str]
    summary: dict[str, str]
    area: str
    vertical: str | None
    level: int
    skills: list[str]
    estimated_minutes: int
    required_minutes: int
    prerequisites: list[str]
    certificate: bool
    lessons: list[LessonSpec] = field(default_factory=list)
    quizzes: list[QuizSpec] = field(default_factory=list)
    exercises: list[ExerciseSpec] = field(default_factory=list)
    assets: dict[str, bytes] = field(default_factory=dict)
    path: str = ""
    content_hash: str = ""
    #: Every file of the folder by relative path: stored with the version so it can be exported and edited.
    files: dict[str, bytes] = field(default_factory=dict)
    #: Line of each top-level field in course.yaml, for problems found after loading (cycles).
    lines: dict[str, int] = field(default_factory=dict)
