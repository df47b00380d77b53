"""The instrument files: WHO-5 read verbatim and scored 0-100, and the checker naming file and line of each
problem an operator can make when adding an instrument."""

from pathlib import Path

import pytest
import yaml

from lms.resources import shipped
from lms.wellbeing.instruments import IncompleteAnswers, read_folder, read_instrument, score

WHO5 = shipped("instruments") / "who5-zh-CN.yaml"


@pytest.fixture(scope="module")
def who5():
    instrument, problems = read_instrument(WHO5)
    assert problems == []
    return instrument


def test_the_shipped_folder_has_no_problems():
    found, problems = read_folder(shipped("instruments"))
    assert problems == [] and "who5-zh-CN" in found


def test_who5_items_and_options_are_verbatim(who5):
    assert who5.items == ("我感觉快乐、心情舒畅", "我感觉宁静和放松", "我感觉充满活力、精力充沛",
                          "我睡醒时感到清新、得到了足够休息", "我每天生活充满了有趣的事情")
    assert [(o.text, o.score) for o in who5.options] == [
        ("所有时间", 5), ("大部分时间", 4), ("超过一半的时间", 3), ("少于一半的时间", 2), ("有时候", 1), ("从未有过", 0)]
    assert who5.max_score == 100 and who5.meaningful_change == 10
    assert "CC BY-NC-SA 3.0 IGO" in who5.licence_name and who5.instruction_is_site_text


def test_who5_says_when_and_against_what_its_text_was_checked(who5):
    # Recorded from the project's domain notes (shared/domain/instruments/who5-zh-CN.md): compared with public
    # transcriptions of WHO's Chinese PR PDF, not yet with the PDF itself, and it says so.
    assert who5.source_checked.startswith("2026-12-06, against ")
    assert "who5_chinese_pr.pdf" in who5.source_checked
    assert "Not yet compared with the WHO PDF itself." in who5.source_checked


@pytest.mark.parametrize("checked", [None, "", "   ", "checked by Li", "2026-12-06", "2026-13-40, against the PDF"])
def test_an_instrument_without_a_dated_check_of_its_text_is_refused(tmp_path, checked):
    def change(d):
        if checked is None:
            del d["source_checked"]
        else:
            d["source_checked"] = checked

    path = _write(tmp_path, "who5-zh-CN.yaml", change)
    instrument, problems = read_instrument(path, "instruments/who5-zh-CN.yaml")
    assert instrument is None
    (problem,) = [p for p in problems if "'source_checked'" in p.message]
    assert "when (YYYY-MM-DD) and against what" in problem.message
    if checked is not None:
        assert problem.line == _line_of(path, "source_checked:")


@pytest.mark.parametrize("answers, raw, shown, low", [
    ([5, 5, 5, 5, 5], 25, 100, False),
    ([0, 0, 0, 0, 0], 0, 0, True),
    ([3, 3, 3, 2, 2], 13, 52, False),   # 13 is not below 13 and no item at 0 or 1
    ([3, 3, 2, 2, 2], 12, 48, True),    # raw below 13
    ([5, 5, 5, 5, 1], 21, 84, True),    # one item answered 1: a gentle suggestion even with a high total
])  # fmt: skip
def test_scoring_raw_times_four_and_the_low_score_rule(who5, answers, raw, shown, low):
    result = score(who5, answers)
    assert (result.raw, result.score, result.low) == (raw, shown, low)
    assert result.band.low <= shown <= result.band.high


def test_an_incomplete_form_has_no_score(who5):
    with pytest.raises(IncompleteAnswers) as exc:
        score(who5, [5, None, 3, 9])
    assert exc.value.missing == [2, 4, 5]


def test_every_reachable_score_has_one_band_worded_without_labels(who5):
    for raw in range(26):
        band = next(b for b in who5.bands if b.low <= raw * 4 <= b.high)
        assert "诊断" not in band.text["zh-CN"] or "不是诊断" in band.text["zh-CN"]
        assert "抑郁" not in band.text["zh-CN"] and "焦虑" not in band.text["zh-CN"]


def _write(tmp_path: Path, name: str, change) -> Path:
    data = yaml.safe_load(WHO5.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def _line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def test_an_operator_can_add_a_valid_instrument_without_code(tmp_path):
    def rename(d):
        d["id"] = "who5-copy"
    _write(tmp_path, "who5-copy.yaml", rename)
    found, problems = read_folder(tmp_path)
    assert problems == [] and list(found) == ["who5-copy"]


def test_checker_names_file_and_line_of_each_problem(tmp_path):
    def spoil(d):
        d["options"][1]["score"] = 5                      # two options with the same score
        d["bands"][1]["min"] = 56                         # 52 has no band
        d["bands"][0]["text"]["zh-CN"] = "你可能患有抑郁症"  # an illness label
        del d["licence"]["text"]
        d["colour"] = "blue"

    path = _write(tmp_path, "who5-zh-CN.yaml", spoil)
    instrument, problems = read_instrument(path, "instruments/who5-zh-CN.yaml")
    assert instrument is None
    text = [str(p) for p in problems]
    assert f"instruments/who5-zh-CN.yaml:{_line_of(path, 'score: 5')}: option 1" not in text  # the first is fine
    assert any(t.startswith("instruments/who5-zh-CN.yaml:") and "same score 5" in t for t in text)
    assert any("no band covers the reachable score 52" in t for t in text)
    label = next(p for p in problems if "患有" in p.message)
    assert label.line == _line_of(path, "你可能患有抑郁症")
    assert any("'licence.text' must give the text in zh-CN" in t for t in text)
    colour = next(p for p in problems if "unknown field 'colour'" in p.message)
    assert colour.line == _line_of(path, "colour:")


def test_checker_reports_a_wrong_id_and_broken_yaml(tmp_path):
    path = _write(tmp_path, "phq9-zh-CN.yaml", lambda d: None)
    _instrument, problems = read_instrument(path)
    assert any("id 'who5-zh-CN' must equal the file name" in p.message and p.line == _line_of(path, "id:")
               for p in problems)
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\nitems: [a, b\n", encoding="utf-8")
    _instrument, problems = read_instrument(broken)
    assert problems and problems[0].message.startswith("YAML syntax error")


def test_lms_instruments_check_prints_file_and_line_and_fails(tmp_path):
    from click.testing import CliRunner

    from lms.wellbeing.cli import instruments

    runner = CliRunner()
    ok = runner.invoke(instruments, ["check"])
    assert ok.exit_code == 0 and "OK: 1 instrument(s), no problems: who5-zh-CN." in ok.output
    path = _write(tmp_path, "who5-zh-CN.yaml", lambda d: d["options"][0].update(score="five"))
    bad = runner.invoke(instruments, ["check", str(tmp_path)])
    assert bad.exit_code == 1
    assert f"{tmp_path.name}/who5-zh-CN.yaml:{_line_of(path, 'score: five')}: 'options.0.score' must be a whole number" \
        in bad.output


def test_change_over_time_marks_a_meaningful_change():
    from lms.wellbeing.trend import HEIGHT, PAD, polyline, steps

    trend = steps([40, 48, 68], max_score=100, meaningful_change=10)
    assert [(s.change, s.meaningful) for s in trend] == [(None, False), (8, False), (20, True)]
    assert trend[0].x < trend[1].x < trend[2].x and trend[2].y < trend[0].y  # higher score, higher on the drawing
    assert steps([100], 100, 10)[0].y == PAD and steps([0], 100, 10)[0].y == HEIGHT - PAD
    assert polyline(trend).count(",") == 3
