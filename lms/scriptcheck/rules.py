"""The rule file (``rules.yaml``) read into typed rules, with every problem reported by rule id and field.

Pure: no Flask, no database. ``{C}`` in a pattern stands for "any character of the same clause".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from lms.messages import N_

RULES_PATH = Path(__file__).with_name("rules.yaml")
CLAUSE_CHAR = r"[^，,。；;！!？?\n]"
SEVERITIES = ("violation", "check")
EXCEPTION_KINDS = ("negation", "warning", "self_comparison", "usage", "standard_grade", "trademark", "award",
                   "verifiable_fact", "composition", "quote")

# Labels shown to people (translated on pages through the ``localize`` filter).
FAMILIES = {
    "absolute": N_("Absolute terms"),
    "state": N_("State organs and national symbols"),
    "disease": N_("Disease-treatment claims"),
    "health_food": N_("Health-food claims"),
    "endorsement": N_("Endorsements"),
    "price": N_("Original prices and price claims"),
    "returns": N_("Guaranteed returns"),
    "offplatform": N_("Trading off the platform"),
    "minors": N_("Urging minors to tip"),
    "misleading": N_("Misleading claims"),
    "org": N_("Your organisation's rules"),
}
CATEGORIES = {
    "general": N_("General goods"),
    "beauty": N_("Beauty and personal care"),
    "food": N_("Food"),
    "health_food": N_("Health food (保健食品)"),
    "apparel": N_("Apparel"),
}
SEVERITY_LABELS = {"violation": N_("Violation"), "check": N_("Needs checking")}


class RuleFileError(ValueError):
    """The rule file is malformed; ``problems`` lists each one as 'rule id: field: what is wrong'."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class LawRef:
    name: str
    article: int
    paragraph: int | None = None
    item: int | None = None


@dataclass(frozen=True)
class RuleException:
    kind: str
    regex: re.Pattern
    scope: str = "span"  # span: must overlap the hit; sentence: anywhere in the sentence


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    severity: str
    categories: frozenset[str]
    words: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    exceptions: tuple[RuleException, ...]
    law: LawRef
    explanation: str
    suggestions: tuple[str, ...]
    example: str
    exception_example: str
    negatable: bool = True
    required: str | None = None  # a statement the script must contain (checked once per script)
    explanation_en: str = ""  # the explanation in English, for the English pages (required in the rule file)

    def applies_to(self, category: str) -> bool:
        return "all" in self.categories or category in self.categories


@dataclass(frozen=True)
class RuleSet:
    rules: tuple[Rule, ...]
    categories: tuple[str, ...]
    negation: re.Pattern
    quote_verbs: re.Pattern
    version: int = 1
    by_id: dict[str, Rule] = field(default_factory=dict)

    def families(self, category: str) -> list[str]:
        """The families of rules that apply to ``category``, in rule-file order."""
        seen: list[str] = []
        for rule in self.rules:
            if rule.applies_to(category) and rule.family not in seen:
                seen.append(rule.family)
        return seen


def _compile(pattern: str, where: str, problems: list[str]) -> re.Pattern | None:
    try:
        return re.compile(pattern.replace("{C}", CLAUSE_CHAR))
    except re.error as exc:
        problems.append(f"{where}: invalid regular expression: {exc}")
        return None


def _law(raw, where: str, problems: list[str]) -> LawRef | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("name"), str) or not isinstance(raw.get("article"), int):
        problems.append(f"{where}: law needs a name and an article number")
        return None
    for key in ("paragraph", "item"):
        if key in raw and not isinstance(raw[key], int):
            problems.append(f"{where}: law {key} must be a number")
            return None
    return LawRef(raw["name"], raw["article"], raw.get("paragraph"), raw.get("item"))


def _text(raw: dict, key: str, where: str, problems: list[str]) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} is missing")
        return ""
    return value.strip()


def _rule(raw: dict, index: int, categories: list[str], problems: list[str]) -> Rule | None:
    rid = raw.get("id") if isinstance(raw.get("id"), str) else f"rules[{index}]"
    before = len(problems)
    family = raw.get("family")
    if family not in FAMILIES or family == "org":
        problems.append(f"{rid}: family: unknown family {family!r}")
    severity = raw.get("severity")
    if severity not in SEVERITIES:
        problems.append(f"{rid}: severity: must be one of {', '.join(SEVERITIES)}")
    cats = raw.get("categories") or []
    unknown = [c for c in cats if c != "all" and c not in categories]
    if not cats or unknown:
        problems.append(f"{rid}: categories: {'unknown ' + ', '.join(map(str, unknown)) if unknown else 'missing'}")
    words = raw.get("words") or []
    if not all(isinstance(w, str) and w for w in words):
        problems.append(f"{rid}: words: every word must be non-empty text")
    patterns = [_compile(p, f"{rid}: patterns", problems) for p in raw.get("patterns") or []]
    required = raw.get("required")
    if not words and not patterns and not required:
        problems.append(f"{rid}: needs words, patterns or a required statement")
    exceptions = []
    for ex in raw.get("exceptions") or []:
        kind, scope = ex.get("kind"), ex.get("scope", "span")
        if kind not in EXCEPTION_KINDS or scope not in ("span", "sentence"):
            problems.append(f"{rid}: exceptions: unknown kind {kind!r} or scope {scope!r}")
            continue
        regex = _compile(str(ex.get("pattern", "")), f"{rid}: exceptions", problems)
        if regex is not None:
            exceptions.append(RuleException(kind, regex, scope))
    law = _law(raw.get("law"), rid, problems)
    suggestions = raw.get("suggestions") or []
    if not 1 <= len(suggestions) <= 2:
        problems.append(f"{rid}: suggestions: give one or two compliant rewrites")
    texts = {key: _text(raw, key, rid, problems)
             for key in ("explanation", "explanation_en", "example", "exception_example")}
    if len(problems) > before:
        return None
    return Rule(
        id=rid, family=family, severity=severity, categories=frozenset(cats), words=tuple(words),
        patterns=tuple(p for p in patterns if p is not None), exceptions=tuple(exceptions), law=law,
        explanation=texts["explanation"], suggestions=tuple(map(str, suggestions)), example=texts["example"],
        exception_example=texts["exception_example"], negatable=bool(raw.get("negatable", True)),
        required=required, explanation_en=texts["explanation_en"],
    )  # fmt: skip


def parse(text: str) -> RuleSet:
    """The rule set of a rule file's text; raises :class:`RuleFileError` listing every problem."""
    import yaml  # on first use (worker memory): course files, checks, the skills framework once per process

    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RuleFileError([f"rules file: not valid YAML: {exc}"]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("rules"), list):
        raise RuleFileError(["rules file: needs a list named rules"])
    problems: list[str] = []
    categories = [c for c in doc.get("categories") or [] if isinstance(c, str)]
    unknown = [c for c in categories if c not in CATEGORIES]
    if not categories or unknown:
        problems.append(f"categories: {'unknown ' + ', '.join(unknown) if unknown else 'missing'}")
    glob = doc.get("global_exceptions") or {}
    negation = _compile(str(glob.get("negation", "")), "global_exceptions: negation", problems)
    quote_verbs = _compile(str(glob.get("quote_verbs", "")), "global_exceptions: quote_verbs", problems)
    rules, seen = [], set()
    for index, raw in enumerate(doc["rules"]):
        if not isinstance(raw, dict):
            problems.append(f"rules[{index}]: must be a mapping")
            continue
        rule = _rule(raw, index, categories, problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(f"{rule.id}: id: used twice")
        seen.add(rule.id)
        rules.append(rule)
    if problems:
        raise RuleFileError(problems)
    return RuleSet(tuple(rules), tuple(categories), negation, quote_verbs, int(doc.get("version", 1)),
                   {rule.id: rule for rule in rules})


def load(path: Path = RULES_PATH) -> RuleSet:
    return parse(path.read_text(encoding="utf-8"))
