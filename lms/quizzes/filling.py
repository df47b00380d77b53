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

from lms.memo import memoized
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
        keys, values, out = self.keys, self.values, []
        for piece in _pieces(html):
            if type(piece) is not tuple:
                out.append(piece)
            elif len(piece) == 2:
                if piece[0] in keys:
                    out.append(piece[1])
            else:
                out.append(str(escape(values.get(piece[0], ""))))
        return Markup("".join(out))


#: Kept like the renderings they cut (lms.quizzes.views keeps 256 papers); one evicted is cut again, no more.
@memoized(128)
def _pieces(html: str) -> tuple[str | tuple[str, ...], ...]:
    """``html`` cut at its markers, once per kept rendering (a regex pass with a call per marker on every request
    cost more than the rest of filling): the HTML between them as is, (key, text) where an answer turns ``text``
    on, (key,) where a typed text goes."""
    pieces: list[str | tuple[str, ...]] = []
    start = 0
    for match in _MARK.finditer(html):
        pieces.append(html[start:match.start()])
        on, key, typed = match.groups()
        pieces.append((typed,) if typed is not None else (key, on))
        start = match.end()
    pieces.append(html[start:])
    return tuple(pieces)


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
