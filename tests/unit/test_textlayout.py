"""Mixed Chinese/Latin text layout for PDFs (lms.certificates.textlayout): fonts, runs, widths, wrapping, fitting."""

from __future__ import annotations

import io
import threading

import pytest
from reportlab.pdfgen import canvas

from lms.certificates import textlayout as tl

STATEMENT = "兹证明 张三 于 2026年5月6日 至 2026年6月28日 参加「互联网营销师（直播销售员）」培训，完成 126 学时，经结业考核合格，特发此证。"


def test_runs_put_latin_in_helvetica_and_the_rest_in_the_cjk_font():
    assert tl.runs("学时 126 hours，合格") == [
        ("STSong-Light", "学时"),
        ("Helvetica", " 126 hours"),
        ("STSong-Light", "，合格"),
    ]
    assert tl.runs("Score 85%", latin=tl.LATIN_BOLD) == [("Helvetica-Bold", "Score 85%")]
    assert "".join(seg for _font, seg in tl.runs(STATEMENT)) == STATEMENT


def test_latin_ok_keeps_chinese_punctuation_in_the_cjk_font():
    assert tl.latin_ok("a") and tl.latin_ok("é") and tl.latin_ok("–")
    assert not any(tl.latin_ok(ch) for ch in "学，、。\u3000「")


def test_width_is_the_sum_of_its_runs():
    assert tl.text_width("", 10) == 0
    both = tl.text_width("学时 hours", 10)
    assert both == pytest.approx(tl.text_width("学时", 10) + tl.text_width(" hours", 10))
    assert tl.text_width("学时 hours", 20) == pytest.approx(2 * both)


def test_tokens_give_back_the_text_and_keep_closing_punctuation_with_what_it_closes():
    toks = tl.tokens(STATEMENT)
    assert "".join(toks) == STATEMENT
    assert "学时，" in toks and "合格，" not in toks and "格，" in toks
    assert "126 " in toks and "hours. " in tl.tokens("126 hours. Done")


@pytest.mark.parametrize("width", [80, 150, 300, 700])
def test_wrap_keeps_every_line_within_the_width_and_loses_nothing(width):
    lines = tl.wrap(STATEMENT, 12, width)
    assert all(tl.text_width(line, 12) <= width for line in lines)
    assert "".join(lines).replace(" ", "") == STATEMENT.replace(" ", "")
    assert not any(line[:1] in "，。、；：！？」』）》" for line in lines)  # no line starts with closing punctuation


def test_wrap_of_nothing_is_one_empty_line():
    assert tl.wrap("", 12, 100) == [""]
    assert tl.wrap("   ", 12, 100) == [""]


def test_fit_shrinks_before_it_cuts():
    width = tl.text_width(STATEMENT, 13) / 2 + 20  # two lines at 13 pt
    lines, size = tl.fit(STATEMENT, 13, width, max_lines=2, min_size=10)
    assert size == 13 and len(lines) == 2 and not lines[-1].endswith("…")
    lines, size = tl.fit(STATEMENT, 13, width * 0.9, max_lines=2, min_size=10)
    assert 10 <= size < 13 and len(lines) <= 2 and not lines[-1].endswith("…")
    assert all(tl.text_width(line, size) <= width * 0.9 for line in lines)


def test_fit_cuts_with_an_ellipsis_at_the_minimum_size():
    lines, size = tl.fit(STATEMENT, 12, 120, max_lines=1, min_size=9)
    assert size == 9 and len(lines) == 1
    assert lines[0].endswith("…") and tl.text_width(lines[0], 9) <= 120
    assert STATEMENT.startswith(lines[0][:-1])


def test_draw_returns_the_x_after_the_text_and_centres_on_the_middle():
    c = canvas.Canvas(io.BytesIO())
    end = tl.draw_text(c, 10, 100, "学时 hours", 10)
    assert end == pytest.approx(10 + tl.text_width("学时 hours", 10))
    tl.draw_centred(c, 200, 80, "合格 passed", 10)  # draws without error in both fonts


def test_use_cjk_font_switches_the_font_for_the_block_only():
    font_file = tl.find_cjk_font_file()
    if font_file is None:
        pytest.skip("no CJK font file (apt-get install fonts-wqy-microhei)")
    assert tl.current_cjk_font() == tl.CJK_FONT
    with tl.use_cjk_font(font_file) as name:
        assert name == tl.EMBEDDED_CJK == tl.current_cjk_font()
        assert tl.runs("学 a") == [(tl.EMBEDDED_CJK, "学"), (tl.LATIN_FONT, " a")]
        with tl.use_cjk_font(None) as inner:
            assert inner == tl.CJK_FONT == tl.current_cjk_font()
        assert tl.current_cjk_font() == tl.EMBEDDED_CJK
        with tl.use_cjk_font(font_file) as again:
            assert again == name  # one registration per file
    assert tl.current_cjk_font() == tl.CJK_FONT


def test_register_cjk_font_gives_the_name_for_platypus_styles():
    from reportlab.pdfbase import pdfmetrics

    assert tl.register_cjk_font(None) == tl.CJK_FONT
    font_file = tl.find_cjk_font_file()
    if font_file is not None:
        assert tl.register_cjk_font(font_file) == tl.register_cjk_font(font_file) == tl.EMBEDDED_CJK
    assert tl.CJK_FONT in pdfmetrics.getRegisteredFontNames()
    assert tl.current_cjk_font() == tl.CJK_FONT  # registering alone does not change what the helpers use


def test_the_font_choice_belongs_to_its_own_thread():
    font_file = tl.find_cjk_font_file()
    if font_file is None:
        pytest.skip("no CJK font file (apt-get install fonts-wqy-microhei)")
    seen = []
    inside, done = threading.Event(), threading.Event()

    def other() -> None:
        inside.wait(10)
        seen.append(tl.current_cjk_font())
        done.set()

    thread = threading.Thread(target=other)
    thread.start()
    with tl.use_cjk_font(font_file):
        inside.set()
        done.wait(10)
    thread.join(10)
    assert seen == [tl.CJK_FONT]
