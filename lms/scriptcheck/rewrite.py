"""Grade a rewrite of a flawed sample script: run the checker with the exercise's category, and see that the
facts the rewrite must keep (product name, price, …) are still there. Pure: no Flask, no database.

A rewrite passes when the checker finds no violation ("needs checking" findings are shown but do not fail it) and
every required fact is present; whitespace is ignored when looking for a fact, so "99 元" keeps "99元".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from lms.scriptcheck.checker import Checker, Report, default_checker

_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class RewriteGrade:
    report: Report
    #: The required facts the rewrite lost, in the exercise's order.
    missing_facts: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.report.has_violation and not self.missing_facts


def _squeeze(text: str) -> str:
    return _SPACE.sub("", text)


def missing_facts(text: str, keep: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    squeezed = _squeeze(text)
    return tuple(fact for fact in keep if _squeeze(fact) not in squeezed)


def grade_rewrite(text: str, category: str, keep: list[str] | tuple[str, ...],
                  checker: Checker | None = None) -> RewriteGrade:
    """Check ``text`` with the shipped rules (never an organisation's own: every host gets the same grade)."""
    report = (checker or default_checker()).check(text, category)
    return RewriteGrade(report=report, missing_facts=missing_facts(text, keep))
