"""Typed access to the fields of course.yaml, a lesson's front matter or a quiz entry. Pure.

Every refusal becomes a problem at the field's own line, reported through the course reader that owns it.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lms.catalogue.spec import LOCALES
from lms.catalogue.yamlines import line_of
from lms.messages import N_


class FieldReader:
    """Typed access to a mapping's fields; every refusal becomes a problem at the field's line."""

    def __init__(self, reader: Any, path: Path, data: dict, lines: dict, prefix: tuple = ()) -> None:
        self.reader, self.path, self.data, self.lines, self.prefix = reader, path, data, lines, prefix

    def _line(self, key: str) -> int:
        return line_of(self.lines, *self.prefix, key)

    def _bad(self, key: str, message: str) -> None:
        self.reader.problem(self.path, self._line(key), message)

    def text(self, key: str, pattern: re.Pattern | None = None, hint: str = "") -> str | None:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            self._bad(key, N_("'%(field)s' is required", field=key))
            return None
        if pattern is not None and not pattern.match(value):
            self._bad(key, N_("'%(field)s' must be %(hint)s: %(value)s", field=key, hint=hint, value=repr(value)))
            return None
        return value

    def localised(self, key: str) -> dict[str, str]:
        value = self.data.get(key)
        if not isinstance(value, dict):
            self._bad(key, N_("'%(field)s' needs a zh-CN and an en text", field=key))
            return {}
        missing = [loc for loc in LOCALES if not isinstance(value.get(loc), str) or not value[loc].strip()]
        if missing:
            self._bad(key, N_("'%(field)s' has no %(languages)s text", field=key, languages=" or ".join(missing)))
        return {k: str(v).strip() for k, v in value.items() if k in LOCALES and isinstance(v, str)}

    def integer(self, key: str, low: int, high: int, default: int | None = None) -> int:
        value = self.data.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self._bad(key, N_("'%(field)s' must be a whole number from %(low)s to %(high)s", field=key, low=low, high=high))
            return low
        return value

    def boolean(self, key: str, default: bool | None = None) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            self._bad(key, N_("'%(field)s' must be true or false", field=key))
            return False
        return value

    def choice(self, key: str, options: tuple[str, ...], default: str | None = None) -> str | None:
        value = self.data.get(key, default)
        if value not in options:
            self._bad(key, N_("'%(field)s' must be one of %(options)s; found %(value)s", field=key, options=", ".join(options),
                          value=repr(value)))
            return None
        return value

    def id_list(self, key: str) -> list[str]:
        value = self.data.get(key) or []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._bad(key, N_("'%(field)s' must be a list of course ids", field=key))
            return []
        return list(value)

    def skills(self, key: str, required: bool = False) -> list[str]:
        value = self.data.get(key)
        if value is None or value == []:
            if required:
                self._bad(key, N_("'%(field)s' must name at least one skill from skills.yaml", field=key))
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self._bad(key, N_("'%(field)s' must be a list of skill ids", field=key))
            return []
        framework = self.reader.framework
        for skill in value:
            if framework is not None and skill not in framework.skills:
                self._bad(key, N_("unknown skill id '%(skill)s'", skill=skill))
        return list(value)

    def presence_questions(self, key: str, max_questions: int = 10, max_question: int = 80,
                           max_choice: int = 30) -> list[dict]:  # fmt: skip
        """Optional presence-check questions: ``[{question, answer, wrong: [1-3 texts]}]``, short enough for a phone."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or len(value) > max_questions:
            self._bad(key, N_("'%(field)s' must be a list of at most %(n)s questions", field=key, n=max_questions))
            return []
        questions = []
        for index, item in enumerate(value):
            line = line_of(self.lines, *self.prefix, key, index)
            wrong = item.get("wrong") if isinstance(item, dict) else None
            texts = [item.get("question"), item.get("answer"), *(wrong or [])] if isinstance(wrong, list) else []
            if not texts or not all(isinstance(t, str) and t.strip() for t in texts) or not 1 <= len(wrong) <= 3:
                self.reader.problem(self.path, line, N_("a presence question needs 'question', 'answer' and 1 to 3 "
                                                        "'wrong' answers, all text"))  # fmt: skip
                continue
            question, answer, wrong = texts[0].strip(), texts[1].strip(), [t.strip() for t in wrong]
            if len(question) > max_question or any(len(t) > max_choice for t in (answer, *wrong)):
                self.reader.problem(self.path, line, N_("a presence question has at most %(q)s characters and each "
                                                        "answer at most %(a)s", q=max_question, a=max_choice))  # fmt: skip
                continue
            if len({answer, *wrong}) != len(wrong) + 1:
                self.reader.problem(self.path, line, N_("the answers of a presence question must all differ"))
                continue
            questions.append({"question": question, "answer": answer, "wrong": wrong})
        return questions
