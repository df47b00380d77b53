"""A server-side SVG picture of a T-shaped profile. Pure: a profile and display strings in, SVG text out.

The crossbar has one segment per horizontal skill, taller and darker with each level; the stem below it (two
stems for a pi shape) is filled to the vertical's mastery. Every level is also written out as text next to the
skill's name, so nothing relies on colour. The picture is built for phones: the viewBox is 360 units wide and the
root scales to its container (``width="100%"``; cap it with CSS on the ``t-profile`` class on wide screens).
There are no scripts, styles, links or external resources, so the site's CSP allows it inline, and every string
that comes from data is cleaned of characters XML forbids and escaped.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable, Mapping

from lms.skills.mastery import SkillMastery
from lms.skills.profile import TProfile


def escape(text: str) -> str:
    """``&``, ``<`` and ``>`` as entities, as ``xml.sax.saxutils.escape`` does (that would load xml.sax in every
    worker)."""
    return html.escape(text, quote=False)


Labeller = Callable[[str], str]
Describer = Callable[[SkillMastery], str]

WIDTH = 360
MARGIN = 8
FONT = "system-ui, -apple-system, 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', sans-serif"
TEXT = "#1f1f1f"
OUTLINE = "#767676"  # 4.5:1 on white, so outlines of empty bars stay visible (WCAG 1.4.11 asks 3:1).
# One blue ramp, light to dark: each fill is at least 3:1 against the white background. Heights and text carry
# the level as well, because neighbouring blues are hard to tell apart for some readers.
LEVEL_FILL = {"none": "#ffffff", "beginner": "#5b8ac0", "proficient": "#1d4e89", "expert": "#0b2f57"}
STEM_FILL = {**LEVEL_FILL, "none": OUTLINE}
SEGMENT_HEIGHT = {"none": 8, "beginner": 16, "proficient": 26, "expert": 36}

TITLE_Y = 22
NUMBER_Y = 44
BAR_TOP = 50
BAR_MAX = max(SEGMENT_HEIGHT.values())
BAR_BOTTOM = BAR_TOP + BAR_MAX
STEM_TOP = BAR_BOTTOM + 3
STEM_LENGTH = 140
STEM_WIDTH = 36
ROW_HEIGHT = 22
LABEL_SIZE = 13

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")
# Characters XML 1.0 forbids even when escaped (C0 controls other than tab, newline and return; surrogates;
# U+FFFE and U+FFFF). Labels come from data, so strip them rather than emit a broken document.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render_t_svg(
    profile: TProfile,
    labels: Mapping[str, str],
    title: str,
    level_names: Mapping[str, str],
    *,
    id_prefix: str = "tprofile",
) -> str:
    """The SVG for ``profile``; ``labels`` maps skill ids to names and ``level_names`` levels to names.

    ``id_prefix`` keeps the <title>/<desc> ids unique when a page shows more than one picture.
    """
    if not _ID.match(id_prefix):
        raise ValueError("id_prefix must be a letter followed by letters, digits, '-' or '_'")
    horizontal, vertical = profile.horizontal, profile.vertical
    legend_top = (STEM_TOP + STEM_LENGTH + 24) if vertical else (BAR_BOTTOM + 16)
    height = legend_top + ROW_HEIGHT * len(horizontal) + 8

    def label(skill: str) -> str:
        return _clean(labels.get(skill) or skill)

    def level_name(m: SkillMastery) -> str:
        # Without a name for "none", a dash reads as "no level" in any language.
        return _clean(level_names.get(m.level) or ("—" if m.level == "none" else m.level))

    def level_text(m: SkillMastery) -> str:
        return level_name(m) + (f" · {_percent(m)}" if _percent(m) else "")

    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    description = _describe(profile, label, level_text)
    out = [
        (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" '
            f'role="img" aria-labelledby="{title_id} {desc_id}" class="t-profile" font-family="{escape(FONT)}">'
        ),
        f'<title id="{title_id}">{escape(_clean(title))}</title>',
        f'<desc id="{desc_id}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{WIDTH}" height="{height}" fill="#ffffff"/>',
        _text(MARGIN, TITLE_Y, _fit(_clean(title), 15, WIDTH - 2 * MARGIN), size=15, bold=True),
    ]
    out += _crossbar(horizontal, label, level_text)
    out += _stems(vertical, label, level_name)
    out += _legend(horizontal, legend_top, label, level_text)
    out.append("</svg>")
    return "\n".join(out)


def _crossbar(horizontal: tuple[SkillMastery, ...], label: Labeller, level_text: Describer) -> list[str]:
    out: list[str] = []
    if not horizontal:
        return out
    segment = (WIDTH - 2 * MARGIN) / len(horizontal)
    out.append(
        f'<line x1="{MARGIN}" y1="{BAR_BOTTOM + 1}" x2="{WIDTH - MARGIN}" y2="{BAR_BOTTOM + 1}" '
        f'stroke="{OUTLINE}" stroke-width="1"/>'
    )
    for i, m in enumerate(horizontal):
        x = MARGIN + i * segment
        # Segments stand on a common baseline so the stem hangs from one straight edge, as in a T.
        height = SEGMENT_HEIGHT[m.level]
        out.append(_text(x + segment / 2, NUMBER_Y, str(i + 1), size=12, anchor="middle"))
        out.append(
            f'<rect x="{_n(x + 1)}" y="{BAR_BOTTOM - height}" width="{_n(segment - 2)}" height="{height}" '
            f"{_paint(m.level)}><title>{escape(label(m.skill))}: {escape(level_text(m))}</title></rect>"
        )
    return out


def _stems(vertical: tuple[SkillMastery, ...], label: Labeller, level_name: Describer) -> list[str]:
    out: list[str] = []
    # One stem sits in the middle (a T); two share the width (a pi), each with its name to its right.
    lefts = (
        [WIDTH / 2 - STEM_WIDTH / 2]
        if len(vertical) == 1
        else [MARGIN + 24 + i * WIDTH / 2 for i in range(2)]
    )
    for i, (m, left) in enumerate(zip(vertical, lefts)):
        right_edge = WIDTH - MARGIN if i == len(vertical) - 1 else WIDTH / 2 - 4
        text_x = left + STEM_WIDTH + 8
        filled = m.mastery * STEM_LENGTH if m.evidence_count else 0.0
        out.append(
            f'<rect x="{_n(left)}" y="{STEM_TOP}" width="{STEM_WIDTH}" height="{STEM_LENGTH}" fill="#ffffff" '
            f'stroke="{OUTLINE}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
        if filled > 0:
            out.append(
                f'<rect x="{_n(left)}" y="{STEM_TOP}" width="{STEM_WIDTH}" height="{_n(filled)}" '
                f'fill="{STEM_FILL[m.level]}"/>'
            )
        avail = right_edge - text_x
        # Beside the stem there is room to wrap a long name onto a few lines instead of cutting it short.
        name_lines = _wrap(label(m.skill), LABEL_SIZE, avail, max_lines=3)
        for line, name in enumerate(name_lines):
            out.append(_text(text_x, STEM_TOP + 18 + 17 * line, name, bold=True))
        # Level and percentage on lines of their own, so narrow pi columns need not cut them.
        below = STEM_TOP + 22 + 17 * len(name_lines)
        out.append(_text(text_x, below, _fit(level_name(m), LABEL_SIZE, avail)))
        if _percent(m):
            out.append(_text(text_x, below + 17, _percent(m)))
    return out


def _legend(
    horizontal: tuple[SkillMastery, ...], top: int, label: Labeller, level_text: Describer
) -> list[str]:
    out: list[str] = []
    for i, m in enumerate(horizontal):
        y = top + i * ROW_HEIGHT
        # Level names come from configuration; cap them too so a long one cannot push the row off the left edge.
        level = _fit(level_text(m), LABEL_SIZE, (WIDTH - 2 * MARGIN) / 2)
        out.append(_text(MARGIN, y + 15, str(i + 1), size=12))
        out.append(f'<rect x="{MARGIN + 18}" y="{y + 3}" width="14" height="14" {_paint(m.level)}/>')
        # The name gets whatever the level text leaves free; a long name is cut with an ellipsis and stays
        # whole in <desc> and in the crossbar's tooltip.
        avail = WIDTH - MARGIN - (MARGIN + 40) - _width(level, LABEL_SIZE) - 14
        out.append(_text(MARGIN + 40, y + 15, _fit(label(m.skill), LABEL_SIZE, avail)))
        out.append(_text(WIDTH - MARGIN, y + 15, level, anchor="end"))
    return out


def _describe(profile: TProfile, label: Labeller, level_text: Describer) -> str:
    vertical = "; ".join(f"{label(m.skill)}: {level_text(m)}" for m in profile.vertical)
    horizontal = "; ".join(
        f"{i + 1} {label(m.skill)}: {level_text(m)}" for i, m in enumerate(profile.horizontal)
    )
    return ". ".join(part for part in (vertical, horizontal) if part) + "."


def _paint(level: str) -> str:
    if level == "none":
        return f'fill="#ffffff" stroke="{OUTLINE}" stroke-width="1.5" stroke-dasharray="3 2"'
    return f'fill="{LEVEL_FILL[level]}"'


def _text(
    x: float, y: float, content: str, *, size: int = LABEL_SIZE, bold: bool = False, anchor: str = ""
) -> str:
    weight = ' font-weight="bold"' if bold else ""
    align = f' text-anchor="{anchor}"' if anchor else ""
    return f'<text x="{_n(x)}" y="{_n(y)}" font-size="{size}" fill="{TEXT}"{weight}{align}>{escape(content)}</text>'


def _clean(text: str) -> str:
    # One line of text: forbidden characters go, line breaks and tabs become spaces.
    return " ".join(_FORBIDDEN.sub("", str(text)).split())


def _percent(m: SkillMastery) -> str:
    # The prior's mastery is not a measurement, so unmeasured skills show no percentage.
    return f"{round(m.mastery * 100)}%" if m.evidence_count else ""


# A server cannot measure fonts, so widths are estimated in ems, on the wide side of common phone fonts:
# CJK glyphs are one em, narrow Latin letters about a third, capitals and m/w wider than the rest.
_NARROW = frozenset(" iIl1.,:;'|!jft()[]")
_WIDE = frozenset("mwMW@%")


def _char_width(ch: str) -> float:
    if unicodedata.east_asian_width(ch) in "WF":
        return 1.0
    if ch in _NARROW:
        return 0.34
    if ch in _WIDE:
        return 0.88
    return 0.7 if ch.isupper() else 0.57


def _width(text: str, size: float) -> float:
    return size * sum(_char_width(ch) for ch in text)


def _fit(text: str, size: float, avail: float) -> str:
    if _width(text, size) <= avail:
        return text
    while text and _width(text + "…", size) > avail:
        text = text[:-1]
    return text.rstrip() + "…"


def _wrap(text: str, size: float, avail: float, max_lines: int) -> list[str]:
    lines: list[str] = []
    while len(lines) < max_lines - 1 and _width(text, size) > avail:
        cut = 1
        while cut < len(text) and _width(text[: cut + 1], size) <= avail:
            cut += 1
        # Break at the last space that fits (Latin words); CJK text can break between any two characters.
        space = text.rfind(" ", 1, cut + 1)
        if space > 0:
            cut = space
        lines.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    lines.append(_fit(text, size, avail))
    return lines


def _n(value: float) -> str:
    # Short, stable numbers: 2 decimals at most, no trailing zeros.
    return f"{value:.2f}".rstrip("0").rstrip(".")
