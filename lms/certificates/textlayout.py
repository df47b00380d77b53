"""Mixed Chinese/Latin text on a ReportLab canvas: fonts, runs, widths, wrapping and fitting.

Pure: ReportLab only; no Flask, no database. Any PDF the site prints (the certificate, a process record) sets its
text with these helpers, so Chinese and Latin look the same everywhere and the CJK font is chosen in one place.

Fonts. Latin text is set in Helvetica (``LATIN_FONT``, ``LATIN_BOLD``, or any standard font passed as ``latin``);
every character Helvetica cannot show is set in the CJK font. Without a font file that is ReportLab's standard CID
font ``STSong-Light`` (nothing embedded; desktop readers supply it). With a font file (Debian's WenQuanYi Micro Hei
or Noto CJK, found by :func:`find_cjk_font_file`), a subset of it is embedded so that phone viewers without Chinese
fonts show the text too. Choose the font for one rendering with :func:`use_cjk_font`::

    with use_cjk_font(find_cjk_font_file()):
        c = canvas.Canvas(buf, pagesize=A4, invariant=1)
        lines, size = fit("兹证明 张三 完成 126 学时 ...", 13, 400, max_lines=2, min_size=10)
        for line in lines:
            draw_text(c, 62, y, line, size)
            y -= size + 6

Outside the ``with`` block the helpers use ``STSong-Light`` (registered on first use). The choice lives in a
context variable, so two renderings in different threads do not disturb each other. Code that builds its page with
ReportLab's platypus (paragraph and table styles) takes the font name from :func:`register_cjk_font` instead.

Line breaking: each CJK character (and the word 学时) is a break point, closing punctuation stays with what it closes
(no line starts with ，。、 or ``)``), Latin words keep their trailing space. :func:`fit` wraps into a number of
lines, shrinking the size step by step down to a minimum, and cuts what still does not fit with an ellipsis.

Everything is deterministic: the same text, sizes and font give the same lines and the same drawing operations.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = [
    "CJK_FONT",
    "EMBEDDED_CJK",
    "FONT_CANDIDATES",
    "LATIN_BOLD",
    "LATIN_FONT",
    "current_cjk_font",
    "draw_centred",
    "draw_text",
    "find_cjk_font_file",
    "fit",
    "latin_ok",
    "register_cjk_font",
    "runs",
    "text_width",
    "tokens",
    "use_cjk_font",
    "wrap",
]

#: ReportLab's standard CID font for Simplified Chinese (Adobe-GB1, UniGB-UCS2-H): used when no font file is given.
CJK_FONT = "STSong-Light"
#: The name the first embedded font file is registered under (a second, different file gets a numbered name).
EMBEDDED_CJK = "CJK-Embedded"
LATIN_FONT = "Helvetica"
LATIN_BOLD = "Helvetica-Bold"

#: CJK font files looked for, first found wins (Debian packages fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk).
FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
)

_current: ContextVar[str] = ContextVar("cjk_font", default=CJK_FONT)
_embedded: dict[str, str] = {}  # font file path -> registered font name


def find_cjk_font_file() -> str | None:
    """The first CJK font file present on this machine (see ``FONT_CANDIDATES``), or None."""
    return next((path for path in FONT_CANDIDATES if Path(path).is_file()), None)


def _register_standard() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def register_cjk_font(font_file: str | None = None) -> str:
    """Register the CJK font with ReportLab (once) and return its font name: an embedded subset of ``font_file``,
    or ``STSong-Light`` when it is None. For code that sets Chinese with ReportLab itself (platypus paragraph and
    table styles); the helpers below use :func:`use_cjk_font` instead."""
    _register_standard()
    if font_file is None:
        return CJK_FONT
    name = _embedded.get(font_file)
    if name is None:
        name = EMBEDDED_CJK if not _embedded else f"{EMBEDDED_CJK}-{len(_embedded) + 1}"
        pdfmetrics.registerFont(TTFont(name, font_file, subfontIndex=0))
        _embedded[font_file] = name
    return name


@contextmanager
def use_cjk_font(font_file: str | None = None) -> Iterator[str]:
    """Set Chinese in ``font_file`` (embedded as a subset) for the duration of the block, or in ``STSong-Light``
    when it is None. Registers the font on first use (:func:`register_cjk_font`) and yields its name (for drawing a
    CJK-only string directly with ``canvas.setFont``)."""
    token = _current.set(register_cjk_font(font_file))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current_cjk_font() -> str:
    """The font name Chinese is set in right now (``STSong-Light`` outside a :func:`use_cjk_font` block)."""
    name = _current.get()
    if name == CJK_FONT:
        _register_standard()
    return name


def latin_ok(ch: str) -> bool:
    """True when Helvetica (WinAnsiEncoding) can show the character; full-width space and the Chinese comma, 、 and
    。 are always set in the CJK font."""
    if ch in "\u3000\uff0c\u3001\u3002":
        return False
    try:
        ch.encode("cp1252")
    except UnicodeEncodeError:
        return False
    return True


def runs(text: str, latin: str = LATIN_FONT) -> list[tuple[str, str]]:
    """Split text into (font name, segment) runs: Latin in ``latin``, everything else in the current CJK font."""
    cjk = current_cjk_font()
    found: list[tuple[str, str]] = []
    for ch in text:
        font = latin if latin_ok(ch) else cjk
        if found and found[-1][0] == font:
            found[-1] = (font, found[-1][1] + ch)
        else:
            found.append((font, ch))
    return found


def text_width(text: str, size: float, latin: str = LATIN_FONT) -> float:
    """The width of mixed text in points at ``size``."""
    return sum(pdfmetrics.stringWidth(seg, font, size) for font, seg in runs(text, latin))


def draw_text(c: Canvas, x: float, y: float, text: str, size: float, latin: str = LATIN_FONT) -> float:
    """Draw mixed text with its baseline starting at (x, y) in the canvas's fill colour; return the x after it."""
    for font, seg in runs(text, latin):
        c.setFont(font, size)
        c.drawString(x, y, seg)
        x += pdfmetrics.stringWidth(seg, font, size)
    return x


def draw_centred(c: Canvas, cx: float, y: float, text: str, size: float, latin: str = LATIN_FONT) -> None:
    """Draw mixed text centred on x = ``cx``."""
    draw_text(c, cx - text_width(text, size, latin) / 2, y, text, size, latin)


_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_NO_LINE_START = "，。、；：！？」』）》〉】,.;:!?)]"  # kinsoku: these stay with the character before them
_TOKEN = re.compile(rf"(?:学时|[{_CJK}]|[^\s{_CJK}]+\s*|\s+)[{re.escape(_NO_LINE_START)}]*")


def tokens(text: str) -> list[str]:
    """Break points: each CJK character (and the word 学时) stands alone, closing punctuation sticks to what it
    closes, Latin words keep their trailing space. Joined, the tokens give back the text."""
    return _TOKEN.findall(text)


def wrap(text: str, size: float, width: float, latin: str = LATIN_FONT) -> list[str]:
    """Break text into lines no wider than ``width`` (a single token wider than that gets a line of its own).
    Always at least one line (``[""]`` for empty text)."""
    lines: list[str] = []
    line = ""
    for tok in tokens(text):
        if line and text_width((line + tok).rstrip(), size, latin) > width:
            lines.append(line.rstrip())
            line = tok.lstrip()
        else:
            line += tok
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def fit(
    text: str, size: float, width: float, max_lines: int, min_size: float, latin: str = LATIN_FONT
) -> tuple[list[str], float]:
    """Wrap text into at most ``max_lines`` lines of ``width``, shrinking the size by half points down to
    ``min_size``; if it is still too long, the last line is cut with "…". Returns (lines, size used)."""
    while True:
        lines = wrap(text, size, width, latin)
        if len(lines) <= max_lines or size <= min_size:
            break
        size = max(min_size, size - 0.5)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size, latin) > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines, size
