"""Self-check instruments as data: one YAML file per instrument in ``instruments/`` (items, options and scores
verbatim, scoring, interpretation bands, the low-score rule, source and licence), read and checked here, and the
scoring of a complete set of answers. Pure: no Flask, no database.

Every problem is reported as ``FILE:LINE: message`` so that an operator adding an instrument can fix it without
reading code. An instrument with any problem is never offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from lms.catalogue.spec import Problem
from lms.catalogue.yamlines import YamlSyntaxError, line_of, load_with_lines

LANGUAGES = ("zh-CN", "en")
SUFFIX = ".yaml"


@dataclass(frozen=True)
class Option:
    text: str
    score: int


@dataclass(frozen=True)
class Band:
    low: int
    high: int
    text: dict[str, str]


@dataclass(frozen=True)
class LowScoreRule:
    sum_below: int | None
    item_at_most: int | None
    text: dict[str, str]


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    language: str
    title: dict[str, str]
    time_frame: dict[str, str]
    instruction: dict[str, str]
    instruction_is_site_text: bool
    source: str
    source_checked: str
    licence_name: str
    licence_text: dict[str, str]
    items: tuple[str, ...]
    options: tuple[Option, ...]
    multiplier: int
    higher_is_better: bool
    meaningful_change: int
    bands: tuple[Band, ...]
    low_score: LowScoreRule

    @property
    def max_score(self) -> int:
        return len(self.items) * max(o.score for o in self.options) * self.multiplier

    def text(self, field: dict[str, str], locale: str) -> str:
        """``field`` in the page's language (``zh-CN`` or ``en``), else Chinese."""
        return field.get(locale) or field["zh-CN"]


@dataclass(frozen=True)
class Result:
    """A complete set of answers scored: the raw sum, the shown score, its band and whether the low-score rule
    applies (a gentle suggestion to talk to someone; never a diagnosis)."""

    answers: tuple[int, ...]
    raw: int
    score: int
    band: Band
    low: bool


class IncompleteAnswers(ValueError):
    """Not every item has a valid answer: an incomplete form has no score."""

    def __init__(self, missing: list[int]) -> None:
        super().__init__(f"items without an answer: {missing}")
        self.missing = missing


def score(instrument: Instrument, answers: list[int | None] | tuple[int | None, ...]) -> Result:
    """Score one answer (the option's score) per item, in item order."""
    valid = {o.score for o in instrument.options}
    missing = [n for n, a in enumerate(answers, start=1) if a not in valid]
    missing += list(range(len(answers) + 1, len(instrument.items) + 1))
    if missing or len(answers) != len(instrument.items):
        raise IncompleteAnswers(missing)
    given = tuple(int(a) for a in answers)  # type: ignore[arg-type]
    raw = sum(given)
    shown = raw * instrument.multiplier
    band = next(b for b in instrument.bands if b.low <= shown <= b.high)
    rule = instrument.low_score
    low = (rule.sum_below is not None and raw < rule.sum_below) or (
        rule.item_at_most is not None and min(given) <= rule.item_at_most)
    return Result(given, raw, shown, band, low)


# -- reading and checking -----------------------------------------------------------------------------------------
class _Reader:
    def __init__(self, path: Path, shown: str, data: dict, lines: dict) -> None:
        self.path, self.shown, self.data, self.lines = path, shown, data, lines
        self.problems: list[Problem] = []

    def problem(self, message: str, *where: Any) -> None:
        self.problems.append(Problem(self.shown, line_of(self.lines, *where), message))

    def get(self, *where: Any) -> Any:
        value: Any = self.data
        for key in where:
            if isinstance(value, dict):
                value = value.get(key)
            elif isinstance(value, list) and isinstance(key, int) and key < len(value):
                value = value[key]
            else:
                return None
        return value

    def text(self, *where: Any) -> str:
        value = self.get(*where)
        if not isinstance(value, str) or not value.strip():
            self.problem(f"'{'.'.join(map(str, where))}' must be a non-empty text", *where)
            return ""
        return value.strip()

    def localized(self, *where: Any) -> dict[str, str]:
        value = self.get(*where)
        name = ".".join(map(str, where))
        if not isinstance(value, dict):
            self.problem(f"'{name}' must give the text in zh-CN (and may give en)", *where)
            return {"zh-CN": ""}
        unknown = sorted(set(map(str, value)) - set(LANGUAGES))
        if unknown:
            self.problem(f"'{name}' has unknown languages {unknown}; use {list(LANGUAGES)}", *where)
        out = {}
        for lang in LANGUAGES:
            if lang in value or lang == "zh-CN":
                text = self.text(*where, lang)
                if text:
                    out[lang] = text
        return out or {"zh-CN": ""}

    def integer(self, *where: Any, optional: bool = False, minimum: int = 0) -> int | None:
        value = self.get(*where)
        if value is None and optional:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            self.problem(f"'{'.'.join(map(str, where))}' must be a whole number of at least {minimum}", *where)
            return None
        return value


def _items(r: _Reader) -> tuple[str, ...]:
    items = r.get("items")
    if not isinstance(items, list) or not items:
        r.problem("'items' must list the item texts, verbatim and in order", "items")
        return ()
    texts = tuple(r.text("items", n) for n in range(len(items)))
    seen: set[str] = set()
    for n, text in enumerate(texts):
        if text and text in seen:
            r.problem(f"item {n + 1} repeats an earlier item: {text}", "items", n)
        seen.add(text)
    return texts


def _options(r: _Reader) -> tuple[Option, ...]:
    options = r.get("options")
    if not isinstance(options, list) or len(options) < 2:
        r.problem("'options' must list at least two answers, each with its text and score", "options")
        return ()
    out = []
    for n in range(len(options)):
        text, value = r.text("options", n, "text"), r.integer("options", n, "score")
        if text and value is not None:
            if any(o.score == value for o in out):
                r.problem(f"option {n + 1} has the same score {value} as an earlier option", "options", n, "score")
            if any(o.text == text for o in out):
                r.problem(f"option {n + 1} repeats an earlier option: {text}", "options", n, "text")
            out.append(Option(text, value))
    return tuple(out)


def _bands(r: _Reader, reachable: list[int]) -> tuple[Band, ...]:
    bands = r.get("bands")
    if not isinstance(bands, list) or not bands:
        r.problem("'bands' must list the score ranges (min, max, text) that interpret a score", "bands")
        return ()
    out = []
    for n in range(len(bands)):
        low, high = r.integer("bands", n, "min"), r.integer("bands", n, "max")
        text = r.localized("bands", n, "text")
        if low is not None and high is not None:
            if low > high:
                r.problem(f"band {n + 1}: min {low} is above max {high}", "bands", n, "min")
            out.append(Band(low, high, text))
    if reachable and len(out) == len(bands):
        for value in reachable:
            hits = [b for b in out if b.low <= value <= b.high]
            if len(hits) != 1:
                what = "no band covers" if not hits else f"{len(hits)} bands cover"
                r.problem(f"{what} the reachable score {value}; every score needs exactly one band", "bands")
                break
        for b in out:
            if not any(b.low <= value <= b.high for value in reachable):
                r.problem(f"band {b.low}-{b.high} covers no reachable score", "bands")
    return tuple(out)


def _wording(r: _Reader, texts: dict[str, str], *where: Any, labels: tuple[str, ...]) -> None:
    for lang, text in texts.items():
        for label in labels:
            if label.lower() in text.lower():
                r.problem(f"'{'.'.join(map(str, where))}.{lang}' uses '{label}': word results for self-awareness, "
                          "never as a diagnosis or an illness label", *where, lang)


#: Words a result text may not use: it is a self-check, never a diagnosis (精神卫生法第29条).
ILLNESS_LABELS = ("抑郁症", "焦虑症", "患有", "确诊", "你有病", "精神疾病", "depression", "anxiety disorder",
                  "you have a", "diagnosed")


def read_instrument(path: Path, shown: str | None = None) -> tuple[Instrument | None, list[Problem]]:
    """The instrument in ``path`` and every problem of it (the instrument is None when there is any)."""
    shown = shown or str(path)
    try:
        data, lines = load_with_lines(path.read_text(encoding="utf-8"))
    except YamlSyntaxError as exc:
        return None, [Problem(shown, exc.line, str(exc.message))]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(shown, 1, f"cannot read the file: {exc}")]
    if not isinstance(data, dict):
        return None, [Problem(shown, 1, "an instrument file must be a mapping of fields")]
    r = _Reader(path, shown, data, lines)
    known = {"id", "version", "language", "title", "time_frame", "instruction", "instruction_is_site_text", "source",
             "source_checked", "licence", "items", "options", "scoring", "bands", "low_score"}
    for key in sorted(set(map(str, data)) - known):
        r.problem(f"unknown field '{key}'", key)
    instrument_id = r.text("id")
    if instrument_id and instrument_id != path.name.removesuffix(SUFFIX):
        r.problem(f"id '{instrument_id}' must equal the file name without {SUFFIX} ('{path.stem}')", "id")
    version = str(r.get("version") or "").strip()
    if not version:
        r.problem("'version' must name the version of the instrument's text", "version")
    items, options = _items(r), _options(r)
    multiplier = r.integer("scoring", "multiplier", minimum=1) or 1
    higher = r.get("scoring", "higher_is_better")
    if not isinstance(higher, bool):
        r.problem("'scoring.higher_is_better' must be true or false", "scoring", "higher_is_better")
    change = r.integer("scoring", "meaningful_change", minimum=1)
    reachable: list[int] = []
    if items and options:
        top = max(o.score for o in options)
        low_opt = min(o.score for o in options)
        reachable = sorted({s * multiplier for s in range(low_opt * len(items), top * len(items) + 1)})
    bands = _bands(r, reachable)
    rule = LowScoreRule(r.integer("low_score", "sum_below", optional=True),
                        r.integer("low_score", "item_at_most", optional=True), r.localized("low_score", "text"))
    if rule.sum_below is None and rule.item_at_most is None:
        r.problem("'low_score' needs sum_below or item_at_most: when to suggest talking to someone", "low_score")
    licence_name = r.text("licence", "name")
    licence_text = r.localized("licence", "text")
    site_text = r.get("instruction_is_site_text")
    if not isinstance(site_text, bool):
        r.problem("'instruction_is_site_text' must be true or false (true when the instruction is not the "
                  "instrument's own wording)", "instruction_is_site_text")
    title, frame, instruction = r.localized("title"), r.localized("time_frame"), r.localized("instruction")
    for b_index, band in enumerate(bands):
        _wording(r, band.text, "bands", b_index, "text", labels=ILLNESS_LABELS)
    _wording(r, rule.text, "low_score", "text", labels=ILLNESS_LABELS)
    instrument = Instrument(
        id=instrument_id, version=version, language=r.text("language"), title=title, time_frame=frame,
        instruction=instruction, instruction_is_site_text=bool(site_text), source=r.text("source"),
        source_checked=_source_checked(r), licence_name=licence_name, licence_text=licence_text,
        items=items, options=options, multiplier=multiplier,
        higher_is_better=bool(higher), meaningful_change=change or 0, bands=tuple(sorted(bands, key=lambda b: b.low)),
        low_score=rule,
    )  # fmt: skip
    r.problems.sort(key=lambda p: p.line)
    return (None if r.problems else instrument), r.problems


_CHECKED = re.compile(r"(\d{4}-\d{2}-\d{2})\b\W*(.*)", re.S)


def _source_checked(r: _Reader) -> str:
    """When and against what the item and option texts were last checked: "YYYY-MM-DD, against …"."""
    value = r.get("source_checked")
    match = _CHECKED.fullmatch(value.strip()) if isinstance(value, str) else None
    try:
        valid = match is not None and bool(match.group(2).strip()) and bool(date.fromisoformat(match.group(1)))
    except ValueError:
        valid = False
    if not valid:
        r.problem("'source_checked' must say when (YYYY-MM-DD) and against what the item and option texts were last "
                  "checked, e.g. '2026-12-06, against the publisher's PDF'", "source_checked")
        return ""
    return " ".join(value.split())


def read_folder(folder: Path) -> tuple[dict[str, Instrument], list[Problem]]:
    """Every instrument file (``*.yaml``) of ``folder``, by id, and every problem found."""
    found: dict[str, Instrument] = {}
    problems: list[Problem] = []
    if not folder.is_dir():
        return found, [Problem(str(folder), 1, "no such folder")]
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        instrument, file_problems = read_instrument(path, f"{folder.name}/{path.name}")
        problems.extend(file_problems)
        if instrument is not None:
            found[instrument.id] = instrument
    return found, problems
