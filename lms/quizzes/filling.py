"""A host's saved answers, filled into question HTML rendered without them.

The attempt page renders each question of a paper once (per language) with a marker at every spot an answer
changes (a ``checked``, a ``selected``, a typed text); each request then only fills in this host's answers. The
same template renders a question with :class:`Fill` directly when it needs more than its answers (a checked
answer's feedback, a refused input), so both ways give the same HTML (tests/web/test_quizzes.py checks it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from lms.quizzes.answers import ordering_positions
from lms.quizzes.gift import Question
from lms.quizzes.paper import PaperItem, matching_answers

#: "\0 checked\1q3-2\0": " checked" if key q3-2 is on; "\2q3\2": the text typed for q3. Rendered question texts
#: never hold these characters (lms.quizzes.sheet strips them), so only markers match.
_MARK = re.compile("\x00([^\x00\x01]*)\x01([^\x00]*)\x00|\x02([^\x02]*)\x02")
CONTROL = str.maketrans("", "", "\x00\x01\x02")


class Marks:
    """What the template writes where an answer goes, when rendering a question for everyone."""

    @staticmethod
    def on(key: str, text: str) -> Markup:
        return Markup(f"\x00{text}\x01{key}\x00")

    @staticmethod
    def value(key: str) -> Markup:
        return Markup(f"\x02{key}\x02")


@dataclass
class Fill:
    """One host's answer to one question: the spots it turns on and the texts it typed."""

    keys: set[str] = field(default_factory=set)
    values: dict[str, str] = field(default_factory=dict)

    def on(self, key: str, text: str) -> Markup:
        return Markup(text) if key in self.keys else Markup("")

    def value(self, key: str) -> Markup:
        return escape(self.values.get(key, ""))

    @classmethod
    def merged(cls, fills: list["Fill"]) -> "Fill":
        """Several questions' answers at once (their keys start with the question's name)."""
        whole = cls()
        for fill in fills:
            whole.keys |= fill.keys
            whole.values.update(fill.values)
        return whole

    def into(self, html: str) -> Markup:
        """``html`` rendered with :class:`Marks`, with this answer in it."""

        def one(match: re.Match) -> str:
            if match.group(3) is not None:
                return str(escape(self.values.get(match.group(3), "")))
            return match.group(1) if match.group(2) in self.keys else ""

        return Markup(_MARK.sub(one, html))


def answer_fill(question: Question, item: PaperItem, position: int, saved: object,
                draft: list[str] | None = None) -> Fill:
    """Where ``saved`` (the stored response, or None) shows on the page; ``draft``: an ordering sent back refused."""
    name, kind, fill = f"q{position}", question.type, Fill()
    order = item.option_order or list(range(len(question.answers)))
    if kind == "multichoice" and saved is not None:
        fill.keys.update(f"{name}-{k}" for k, index in enumerate(order) if saved == index)
    elif kind == "multiresponse" and saved:
        fill.keys.update(f"{name}-{k}" for k, index in enumerate(order) if index in saved)  # type: ignore[operator]
    elif kind == "truefalse" and isinstance(saved, bool):
        fill.keys.add(f"{name}-t" if saved else f"{name}-f")
    elif kind in ("shortanswer", "numerical", "essay") and saved:
        fill.values[name] = str(saved)
    elif kind == "ordering":
        positions = ordering_positions(item, saved, draft)
        fill.keys.update(f"{name}_{k}={chosen}" for k, chosen in enumerate(positions) if chosen)
    elif kind == "matching" and isinstance(saved, dict):
        choices = matching_answers(question)
        shown = item.answer_order or list(range(len(choices)))
        for pair_index, chosen in saved.items():
            fill.keys.update(f"{name}_{pair_index}={k}" for k, index in enumerate(shown) if choices[index] == chosen)
    return fill
