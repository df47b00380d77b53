"""Source text handling for the GIFT parser: escapes, line tracking and problem reporting.

Internal to :mod:`lms.quizzes.gift`, which re-exports :class:`GiftProblem` and :class:`GiftError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms.messages import Msg
from lms.quizzes.questions import TextFormat

FORMAT_MARKER_RE = re.compile(r"\[(html|moodle|plain|markdown)\]")
WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d+)?)%")  # Moodle's "%50%" answer weight
BLANK = "_____"  # what a missing-word answer block becomes in the question text
_ESCAPES = {"~": "~", "=": "=", "#": "#", "{": "{", "}": "}", ":": ":", "\\": "\\", "n": "\n"}


@dataclass(frozen=True)
class GiftProblem:
    """One problem in a GIFT file; ``str()`` gives ``FILE:LINE: message``."""

    filename: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.filename}:{self.line}: {self.message}"


class GiftError(ValueError):
    """Raised by :func:`parse` with every problem found in the file, in line order."""

    def __init__(self, problems: list[GiftProblem]) -> None:
        self.problems = sorted(problems, key=lambda p: p.line)
        super().__init__("\n".join(str(p) for p in self.problems))


class Problems:
    """Collects problems so that a whole file is checked before anything is raised."""

    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.found: list[GiftProblem] = []
        self.warnings: list[GiftProblem] = []

    def add(self, line: int, message: Msg) -> None:
        """Record a problem; ``message`` comes from :func:`~lms.messages.N_`, so pages can translate it."""
        self.found.append(GiftProblem(self.filename, line, message))

    def warn(self, line: int, message: Msg) -> None:
        """Record something Moodle imports too, but whose result may surprise the author."""
        self.warnings.append(GiftProblem(self.filename, line, message))


class Src:
    """Text with escapes resolved that remembers which characters were escaped (never syntax) and the line
    each character came from, so that every syntax check can name an exact line."""

    __slots__ = ("first_line", "lines", "lit", "text")

    def __init__(self, text: str, lit: list[bool], lines: list[int], first_line: int) -> None:
        self.text, self.lit, self.lines, self.first_line = text, lit, lines, first_line

    def __getitem__(self, part: slice) -> Src:
        start = part.indices(len(self.text))[0]
        return Src(self.text[part], self.lit[part], self.lines[part], self.line(start))

    def line(self, index: int) -> int:
        if not self.lines:
            return self.first_line
        return self.lines[min(max(index, 0), len(self.lines) - 1)]

    def is_syntax(self, index: int, char: str) -> bool:
        return self.text[index] == char and not self.lit[index]

    def find(self, sub: str, start: int = 0) -> int:
        at = self.text.find(sub, start)
        while at >= 0 and any(self.lit[at : at + len(sub)]):
            at = self.text.find(sub, at + 1)
        return at

    def rfind(self, sub: str) -> int:
        at = self.text.rfind(sub)
        while at >= 0 and any(self.lit[at : at + len(sub)]):
            at = self.text.rfind(sub, 0, at + len(sub) - 1)
        return at

    def find_any(self, chars: str, start: int = 0) -> int:
        for at in range(start, len(self.text)):
            if self.text[at] in chars and not self.lit[at]:
                return at
        return -1

    def split(self, seps: str) -> tuple[Src, list[tuple[str, Src]]]:
        """The text before the first separator, then (separator, text up to the next one) for each one."""
        cuts = [i for i, c in enumerate(self.text) if c in seps and not self.lit[i]]
        lead = self[: cuts[0]] if cuts else self
        ends = [*cuts[1:], len(self.text)] if cuts else []
        items = [(self.text[c], self[c + 1 : end]) for c, end in zip(cuts, ends, strict=True)]
        return lead, items

    def strip(self) -> Src:
        left = len(self.text) - len(self.text.lstrip())
        right = len(self.text.rstrip())
        return self[left:right] if left < right else self[0:0]


def build(lines: list[tuple[int, str]], problems: Problems) -> Src:
    chars: list[str] = []
    lit: list[bool] = []
    nums: list[int] = []

    def put(char: str, escaped: bool, line: int) -> None:
        chars.append(char)
        lit.append(escaped)
        nums.append(line)

    for k, (no, line) in enumerate(lines):
        if k:
            put("\n", False, lines[k - 1][0])
        i = 0
        while i < len(line):
            if line[i] != "\\":
                put(line[i], False, no)
                i += 1
                continue
            nxt = line[i + 1 : i + 2]
            if nxt and nxt in _ESCAPES:
                put(_ESCAPES[nxt], True, no)
                i += 2
                continue
            # Like Moodle, any other backslash is kept as written: C:\temp, LaTeX's \( x^2 \) and \[ … \].
            put("\\", True, no)
            i += 1
    return Src("".join(chars), lit, nums, lines[0][0] if lines else 0)


def split_format(text: str, default: TextFormat) -> tuple[TextFormat, str]:
    match = FORMAT_MARKER_RE.match(text)
    if match is None:
        return default, text
    fmt: TextFormat = match.group(1)  # type: ignore[assignment]  # the pattern only matches the four formats
    return fmt, text[match.end() :].strip()


def clean(part: Src | None) -> str:
    """An answer, feedback or item: stripped, without a format marker."""
    return with_format(part)[1]


def with_format(part: Src | None) -> tuple[TextFormat | None, str]:
    """An answer, feedback or item: its own format (None when it has no marker: the question's) and its text."""
    if part is None:
        return None, ""
    text = part.text.strip()
    match = FORMAT_MARKER_RE.match(text)
    if match is None:
        return None, text
    return match.group(1), text[match.end() :].strip()  # type: ignore[return-value]  # one of the four formats
