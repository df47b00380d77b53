"""``lms script rules check``: the rule file against the law texts and against its own examples.

Every law reference must resolve to an article (and paragraph and item) in the shipped index of cited articles;
when the law texts of ``shared/domain/laws`` are at hand, also in the texts themselves (and the index must agree
with them). Every rule must flag its example and must not flag its exception example. Pure: no Flask, no database.
"""

from __future__ import annotations

from pathlib import Path

from lms.scriptcheck.checker import Checker
from lms.scriptcheck.laws import LawIndex, cn_number, law_files, parse_articles
from lms.scriptcheck.rules import LawRef, Rule, RuleSet


def default_laws_dir() -> Path | None:
    """``../shared/domain/laws`` next to the repository, when it is there."""
    path = Path(__file__).resolve().parents[3] / "shared" / "domain" / "laws"
    return path if path.is_dir() else None


def _ref_problem(rule: Rule, ref: LawRef, articles: dict, where: str) -> str | None:
    article = articles.get(ref.article)
    if article is None:
        return f"{rule.id}: law: {where} has no 第{cn_number(ref.article)}条 in {ref.name}"
    if ref.paragraph and ref.paragraph > article.paragraphs:
        return (f"{rule.id}: law: 第{cn_number(ref.article)}条 of {ref.name} has {article.paragraphs} paragraphs, "
                f"not {ref.paragraph}")
    if ref.item and ref.item > article.items:
        return f"{rule.id}: law: 第{cn_number(ref.article)}条 of {ref.name} has {article.items} items, not {ref.item}"
    return None


def example_category(rule: Rule, categories: tuple[str, ...]) -> str:
    return next((c for c in categories if rule.applies_to(c)), categories[0])


def check_rules(ruleset: RuleSet, index: LawIndex, laws_dir: Path | None = None) -> list[str]:
    """Every problem of the rule file, as 'rule id: field: what is wrong' (empty when it passes)."""
    problems: list[str] = []
    texts: dict[str, dict] = {}
    files = law_files(laws_dir) if laws_dir else {}
    for rule in ruleset.rules:
        ref = rule.law
        indexed = {n: index.article(ref.name, n) for n in [ref.article] if index.article(ref.name, n)}
        problem = _ref_problem(rule, ref, indexed, "the shipped law index")
        if problem:
            problems.append(problem)
        if laws_dir:
            if ref.name not in files:
                problems.append(f"{rule.id}: law: no text of {ref.name} in {laws_dir}")
            else:
                if ref.name not in texts:
                    texts[ref.name] = parse_articles(files[ref.name].read_text(encoding="utf-8"), ref.name)
                problem = _ref_problem(rule, ref, texts[ref.name], files[ref.name].name)
                if problem:
                    problems.append(problem)
                elif indexed and texts[ref.name][ref.article] != indexed[ref.article]:
                    problems.append(f"{rule.id}: law: the shipped index of {ref.name} 第{cn_number(ref.article)}条 "
                                    "differs from the law text; run `lms script rules index`")
    checker = Checker(ruleset)
    for rule in ruleset.rules:
        category = example_category(rule, ruleset.categories)
        flagged = checker.check(rule.example, category)
        excepted = checker.check(rule.exception_example, category)
        if rule.required:
            hit = any(f.rule_id == rule.id for f in flagged.missing)
            miss = not any(f.rule_id == rule.id for f in excepted.missing)
        else:
            hit = any(f.rule_id == rule.id for f in flagged.findings)
            miss = not any(f.rule_id == rule.id for f in excepted.findings)
        if not hit:
            problems.append(f"{rule.id}: example: not flagged: {rule.example}")
        if not miss:
            problems.append(f"{rule.id}: exception_example: flagged but should not be: {rule.exception_example}")
    return problems
