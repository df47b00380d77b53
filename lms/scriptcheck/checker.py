"""Check a live script against the rule set: an Aho-Corasick automaton for the word lists, compiled regular
patterns, then the exceptions (negations, required warnings, quotes of what not to say, same-brand comparison,
usage instructions, standard grades, trademarks, award names, verifiable facts) and the organisation's own rules.

Pure: no Flask, no database. Offsets in a :class:`Finding` are character offsets into its line (1-based line).
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

import ahocorasick

from lms.scriptcheck import rules as rules_mod
from lms.scriptcheck.laws import LawIndex, cn_number
from lms.scriptcheck.rules import LawRef, Rule, RuleSet

MAX_CHARS = 20_000
MAX_SPAN = 200  # no rule matches more characters than this (clauses are shorter)
_SENTENCE_END = re.compile(r"[。！!？?\n；;]")
_CLAUSE_END = re.compile(r"[，,。；;！!？?\n、]")
_QUOTES = {"“": "”", "「": "」", "‘": "’", "『": "』", "《": "》"}
_STRAIGHT_QUOTES = "\"'"


@dataclass(frozen=True)
class OrgRules:
    """An organisation's own rules: words it bans (with the reason), and words or approved claims it allows."""

    banned: tuple[tuple[str, str], ...] = ()
    allowed: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    line: int
    start: int
    end: int
    text: str
    rule_id: str
    family: str
    severity: str
    law: LawRef | None
    explanation: str
    suggestions: tuple[str, ...]
    explanation_en: str = ""  # the shipped rules' English explanation; an agency's own reason has none

    def explanation_in(self, locale: str) -> str:
        """The explanation for a page in ``locale`` (English when there is one, else the Chinese text)."""
        return self.explanation_en if locale == "en" and self.explanation_en else self.explanation


@dataclass(frozen=True)
class Report:
    category: str
    findings: tuple[Finding, ...]
    missing: tuple[Finding, ...]  # statements the script must contain but does not (line 0: the whole script)
    checked: tuple[str, ...]
    lines: tuple[str, ...] = field(default=(), repr=False)

    @property
    def has_violation(self) -> bool:
        return any(f.severity == "violation" for f in self.findings + self.missing)


def article_label(law: LawRef) -> str:
    label = f"第{cn_number(law.article)}条"
    if law.paragraph:
        label += f"第{cn_number(law.paragraph)}款"
    if law.item:
        label += f"第（{cn_number(law.item)}）项"
    return label


class Checker:
    """Built once per rule set (the automaton is the expensive part); :meth:`check` is then cheap."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.automaton = ahocorasick.Automaton()
        entries: dict[str, list[int]] = {}
        for index, rule in enumerate(ruleset.rules):
            for word in rule.words:
                entries.setdefault(word, []).append(index)
        for word, indexes in entries.items():
            self.automaton.add_word(word, (len(word), tuple(indexes)))
        self.has_words = bool(entries)
        if self.has_words:
            self.automaton.make_automaton()

    # -- candidates -------------------------------------------------------------------------------------------
    def _candidates(self, text: str, active: set[int]) -> list[tuple[int, int, int]]:
        found: list[tuple[int, int, int]] = []
        if self.has_words:
            for end, (length, indexes) in self.automaton.iter(text):
                for index in indexes:
                    if index in active:
                        found.append((index, end + 1 - length, end + 1))
        for index in active:
            for pattern in self.ruleset.rules[index].patterns:
                for match in pattern.finditer(text):
                    if match.end() > match.start():
                        found.append((index, match.start(), match.end()))
        return found

    # -- exceptions -------------------------------------------------------------------------------------------
    def _excepted(self, rule: Rule, text: str, start: int, end: int, bounds: _Bounds,
                  allowed: list[tuple[int, int]]) -> bool:
        s_start, s_end = bounds.sentence(start, end)
        sentence = text[s_start:s_end]
        rel_start, rel_end = start - s_start, end - s_start
        if rule.negatable and self.ruleset.negation.search(text[bounds.clause_start(start):start]):
            return True
        if self.ruleset.quote_verbs.search(sentence) and _inside_quotes(sentence, rel_start):
            return True
        for ex in rule.exceptions:
            if ex.scope == "sentence":
                if ex.regex.search(sentence):
                    return True
            elif any(m.start() < rel_end and rel_start < m.end() for m in ex.regex.finditer(sentence)):
                return True
        return any(a_start < end and start < a_end for a_start, a_end in allowed)

    # -- the check --------------------------------------------------------------------------------------------
    def check(self, text: str, category: str, org: OrgRules | None = None) -> Report:
        org = org or OrgRules()
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        lines = text.split("\n")
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        active = {i for i, rule in enumerate(self.ruleset.rules) if rule.applies_to(category) and not rule.required}
        allowed = [(m.start(), m.end()) for word in org.allowed if word
                   for m in re.finditer(re.escape(word), text)]  # fmt: skip
        kept: list[tuple[int, int, int]] = []
        bounds = _Bounds(text)
        for index, start, end in self._candidates(text, active):
            if not self._excepted(self.ruleset.rules[index], text, start, end, bounds, allowed):
                kept.append((index, start, end))
        findings = [self._finding(self.ruleset.rules[i], text, s, e, starts) for i, s, e in _merge(kept, self.ruleset)]
        findings += _org_findings(text, org, starts, allowed)
        findings.sort(key=lambda f: (f.line, f.start, f.end, f.rule_id))
        compact = re.sub(r"\s+", "", text)
        missing = tuple(
            Finding(0, 0, 0, "", rule.id, rule.family, rule.severity, rule.law, rule.explanation, rule.suggestions,
                    rule.explanation_en)
            for rule in self.ruleset.rules
            if rule.required and rule.applies_to(category) and compact and rule.required not in compact
        )  # fmt: skip
        checked = tuple(self.ruleset.families(category)) + (("org",) if org.banned else ())
        return Report(category, tuple(_drop_contained(findings)), missing, checked, tuple(lines))

    @staticmethod
    def _finding(rule: Rule, text: str, start: int, end: int, starts: list[int]) -> Finding:
        line = bisect.bisect_right(starts, start) - 1
        offset = starts[line]
        return Finding(line + 1, start - offset, end - offset, text[start:end], rule.id, rule.family, rule.severity,
                       rule.law, rule.explanation, rule.suggestions, rule.explanation_en)


class _Bounds:
    """Where the script's sentences and clauses end, found once per check, so each hit looks its context up."""

    def __init__(self, text: str) -> None:
        self.length = len(text)
        self.sentence_ends = [m.start() for m in _SENTENCE_END.finditer(text)]
        self.clause_ends = [m.start() for m in _CLAUSE_END.finditer(text)]

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        i = bisect.bisect_left(self.sentence_ends, start)
        s_start = self.sentence_ends[i - 1] + 1 if i else 0
        j = bisect.bisect_left(self.sentence_ends, end)
        return s_start, self.sentence_ends[j] if j < len(self.sentence_ends) else self.length

    def clause_start(self, start: int) -> int:
        i = bisect.bisect_left(self.clause_ends, start)
        return self.clause_ends[i - 1] + 1 if i else 0


def _inside_quotes(sentence: str, pos: int) -> bool:
    """Whether ``pos`` lies between an opening and its closing quotation mark in ``sentence``."""
    before = sentence[:pos]
    for opening, closing in _QUOTES.items():
        if before.count(opening) > before.count(closing):
            return True
    return any(before.count(q) % 2 == 1 for q in _STRAIGHT_QUOTES)


def _merge(hits: list[tuple[int, int, int]], ruleset: RuleSet) -> list[tuple[int, int, int]]:
    """One hit per rule and stretch of text: overlapping hits of the same rule become their union."""
    hits.sort(key=lambda h: (h[0], h[1], h[2]))
    merged: list[tuple[int, int, int]] = []
    for index, start, end in hits:
        if merged and merged[-1][0] == index and start < merged[-1][2]:
            merged[-1] = (index, merged[-1][1], max(end, merged[-1][2]))
        else:
            merged.append((index, start, end))
    # within one family, a hit inside another rule's hit of equal or stronger severity adds nothing
    by_family: dict[str, list[tuple[int, int, int]]] = {}
    for hit in merged:
        by_family.setdefault(ruleset.rules[hit[0]].family, []).append(hit)
    out = []
    for hits_of_family in by_family.values():
        hits_of_family.sort(key=lambda h: h[1])
        starts = [h[1] for h in hits_of_family]
        for hit in hits_of_family:
            # only hits starting at most MAX_SPAN characters earlier (and up to the same start) can contain it
            lo = bisect.bisect_left(starts, hit[1] - MAX_SPAN)
            hi = bisect.bisect_right(starts, hit[1])
            if not any(_dominates(other, hit, ruleset) for other in hits_of_family[lo:hi]):
                out.append(hit)
    return out


def _dominates(other: tuple[int, int, int], hit: tuple[int, int, int], ruleset: RuleSet) -> bool:
    a, b = ruleset.rules[other[0]], ruleset.rules[hit[0]]
    if other is hit or not (other[1] <= hit[1] and hit[2] <= other[2]):
        return False
    rank = {"violation": 0, "check": 1}
    if rank[a.severity] > rank[b.severity]:
        return False
    if (other[1], other[2]) == (hit[1], hit[2]):  # the same words: the stricter, then the more specific rule
        return (rank[a.severity], _breadth(a), other[0]) < (rank[b.severity], _breadth(b), hit[0])
    return True


def _breadth(rule: Rule) -> int:
    return 99 if "all" in rule.categories else len(rule.categories)


def _drop_contained(findings: list[Finding]) -> list[Finding]:
    """Drop a finding identical in span and family to an earlier one (two rules of a family on the same words)."""
    seen: set[tuple[int, int, int, str]] = set()
    out = []
    for finding in findings:
        key = (finding.line, finding.start, finding.end, finding.family)
        if key not in seen:
            seen.add(key)
            out.append(finding)
    return out


def _org_findings(text: str, org: OrgRules, starts: list[int], allowed: list[tuple[int, int]]) -> list[Finding]:
    out = []
    for word, reason in org.banned:
        if not word:
            continue
        for match in re.finditer(re.escape(word), text):
            if any(a < match.end() and match.start() < b for a, b in allowed):
                continue
            line = bisect.bisect_right(starts, match.start()) - 1
            out.append(Finding(line + 1, match.start() - starts[line], match.end() - starts[line], word,
                               "org.banned", "org", "violation", None, reason, ()))
    return out


@lru_cache(maxsize=1)
def default_checker() -> Checker:
    return Checker(rules_mod.load())


@lru_cache(maxsize=1)
def law_index() -> LawIndex:
    return LawIndex.load()


def finding_dict(finding: Finding, index: LawIndex | None = None) -> dict:
    """The JSON form of a finding (CLI and API give the same)."""
    index = index or law_index()
    law = finding.law
    return {
        "line": finding.line, "start": finding.start, "end": finding.end, "text": finding.text,
        "category": finding.family, "rule": finding.rule_id,
        "severity": "violation" if finding.severity == "violation" else "needs_checking",
        "law": index.title(law.name) if law else "", "article": article_label(law) if law else "",
        "single_source": bool(law and index.is_single_source(law.name)),
        "explanation": finding.explanation, "explanation_en": finding.explanation_en,
        "suggestions": list(finding.suggestions),
    }  # fmt: skip


def report_dict(report: Report) -> dict:
    return {
        "category": report.category,
        "findings": [finding_dict(f) for f in report.findings],
        "missing": [finding_dict(f) for f in report.missing],
        "checked": list(report.checked),
        "violation": report.has_violation,
    }


def segments(line: str, findings: list[tuple[int, Finding]]) -> list[tuple[str, list[int], list[int]]]:
    """``line`` cut into pieces, each with the numbers of the findings covering it (empty: unmarked text) and of
    those ending with it. ``findings`` are (number, finding) pairs of this line; overlapping findings share the
    pieces they cover."""
    cuts = {0, len(line)}
    for _n, f in findings:
        cuts.update((min(f.start, len(line)), min(f.end, len(line))))
    bounds = sorted(cuts)
    pieces: list[tuple[str, list[int], list[int]]] = []
    for a, b in zip(bounds, bounds[1:]):
        covering = [n for n, f in findings if f.start <= a and b <= f.end]
        ending = [n for n, f in findings if n in covering and min(f.end, len(line)) == b]
        if pieces and pieces[-1][1] == covering and not pieces[-1][2]:
            pieces[-1] = (pieces[-1][0] + line[a:b], covering, ending)
        else:
            pieces.append((line[a:b], covering, ending))
    return pieces
