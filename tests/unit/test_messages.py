"""Messages marked in the pure layers: English as plain text, translatable later with the same values."""

import copy
import json
import pickle
from pathlib import Path

from lms.catalogue.loader import load_catalogue
from lms.messages import N_, Msg, localize

BROKEN = Path(__file__).parents[1] / "fixtures" / "broken-courses"

CHINESE = {
    "draws %(count)s questions but the pool has only %(available)s": "要抽 %(count)s 道题，但题库只有 %(available)s 道",
    "weight %(weight)s%% is too high": "权重 %(weight)s%% 太高",
    "%(entry)s: %(problem)s": "%(entry)s：%(problem)s",
    "not a zip archive": "不是 zip 压缩包",
}


def test_a_marked_message_is_its_english_text_everywhere_a_string_goes():
    message = N_("draws %(count)s questions but the pool has only %(available)s", count=5, available=3)
    assert message == "draws 5 questions but the pool has only 3"
    assert f"quiz.yaml:4: {message}" == "quiz.yaml:4: draws 5 questions but the pool has only 3"
    assert json.dumps([message]) == '["draws 5 questions but the pool has only 3"]'
    assert N_("weight %(weight)s%% is too high", weight=120) == "weight 120% is too high"
    assert N_("100%% sure") == "100% sure"  # always formatted, so %% means one rule everywhere


def test_it_keeps_template_and_values_through_copy_and_pickle():
    message = N_("draws %(count)s questions but the pool has only %(available)s", count=5, available=3)
    for same in (copy.deepcopy(message), pickle.loads(pickle.dumps(message))):
        assert isinstance(same, Msg) and same == message and same.params == {"count": 5, "available": 3}


def translate(text: str) -> str:
    return CHINESE.get(text, text)


def test_localize_translates_the_template_and_fills_the_same_values():
    message = N_("draws %(count)s questions but the pool has only %(available)s", count=5, available=3)
    assert localize(message, translate) == "要抽 5 道题，但题库只有 3 道"
    assert localize(N_("weight %(weight)s%% is too high", weight=120), translate) == "权重 120% 太高"
    nested = N_("%(entry)s: %(problem)s", entry="a/b.md", problem=N_("not a zip archive"))
    assert localize(nested, translate) == "a/b.md：不是 zip 压缩包"  # values that are messages are translated too
    assert localize("a trainer's own words", translate) == "a trainer's own words"  # plain text passes unchanged


def test_a_translation_with_broken_placeholders_falls_back_to_english():
    broken = {"draws %(count)s questions but the pool has only %(available)s": "要抽 %(数量)s 道题"}
    message = N_("draws %(count)s questions but the pool has only %(available)s", count=5, available=3)
    assert localize(message, lambda text: broken.get(text, text)) == "draws 5 questions but the pool has only 3"


def test_every_problem_the_course_checker_finds_is_translatable():
    # The broken-course fixture: fields, lessons, links, YAML and GIFT syntax, prerequisite cycles.
    result = load_catalogue(BROKEN)
    assert len(result.problems) >= 10
    untranslatable = [str(p) for p in result.problems if not isinstance(p.message, Msg)]
    assert untranslatable == []
    cycle = next(p.message for p in result.problems if p.message.startswith("prerequisite cycle"))
    assert cycle.template == "prerequisite cycle: %(courses)s" and cycle.params == {"courses": "cycle-a -> cycle-b -> cycle-a"}


def test_every_marked_message_gets_exactly_the_values_its_template_names():
    # A message is only formatted when its problem occurs; a misnamed value would raise there, in front of a user.
    import ast
    import re

    package = Path(__file__).parents[2] / "lms"
    checked = 0
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_"):
                continue
            template = node.args[0]
            assert isinstance(template, ast.Constant) and isinstance(template.value, str), (path, node.lineno)
            named = set(re.findall(r"%\((\w+)\)s", template.value))
            given = {k.arg for k in node.keywords}
            assert named == given, (path.name, node.lineno, template.value, given)
            assert "%" not in re.sub(r"%\(\w+\)s|%%", "", template.value), (path.name, node.lineno)  # bare %
            checked += 1
    assert checked > 130
