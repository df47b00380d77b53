"""Lesson markdown (once at import) and quiz texts (by their GIFT format) to safe HTML. Pure: no Flask, no database.

Markdown gives tables, footnotes (citations), callouts (admonitions) and heading anchors; the HTML it produces
is then cleaned by nh3 (the Ammonia sanitizer) with an allow-list, so a ``<script>``, an ``onerror=`` or a
``javascript:`` link written into a lesson can never reach a browser.
"""

from __future__ import annotations

import html as htmllib
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "img", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "ul", "caption", "mark", "small", "figure", "figcaption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "*": {"id", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "th": {"colspan", "rowspan", "scope", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start"},
}
ALLOWED_CLASSES = {
    "div": {"admonition", "note", "tip", "warning", "danger", "footnote"},
    "p": {"admonition-title"},
    "a": {"footnote-ref", "footnote-backref"},
    "sup": set(),
}
CALLOUT_KINDS = ("note", "tip", "warning", "danger")
_HEADING = re.compile(r"<h([2-3]) id=\"([^\"]+)\">(.*?)</h\1>", re.S)


@dataclass(frozen=True)
class RenderedLesson:
    html: str
    headings: list[tuple[int, str, str]]  # (level, anchor id, text)


def render_markdown(
    text: str,
    *,
    asset_url: Callable[[str], str] = lambda name: name,
    lesson_url: Callable[[str], str] = lambda name: name,
    anchor_prefix: str = "",
) -> RenderedLesson:
    """Render lesson markdown; ``asset_url`` and ``lesson_url`` turn relative links into site addresses."""
    # Python-Markdown loads with the first lesson rendered (courses are rendered when loaded), not in every worker.
    import markdown
    from markdown.extensions.toc import slugify_unicode

    md = markdown.Markdown(
        extensions=["tables", "footnotes", "admonition", "toc", "sane_lists", "fenced_code"],
        extension_configs={
            "toc": {"slugify": slugify_unicode, "permalink": False, "toc_depth": "2-3"},
            "footnotes": {"BACKLINK_TEXT": "↩", "BACKLINK_TITLE": "返回正文 %d", "UNIQUE_IDS": False},
        },
        output_format="html",
    )
    html = md.convert(text)

    def rewrite(url: str) -> str:
        if url.startswith("../assets/"):
            return asset_url(url[len("../assets/"):])
        if re.match(r"^\d{2}-[a-z0-9-]+\.md(#.*)?$", url):
            return lesson_url(url)
        return url

    html = _rewrite_links(html, rewrite)
    clean = sanitize(html)
    if anchor_prefix:
        clean = re.sub(r'\bid="', f'id="{anchor_prefix}', clean)
        clean = re.sub(r'href="#', f'href="#{anchor_prefix}', clean)
    headings = [(int(level), anchor, re.sub(r"<[^>]+>", "", inner)) for level, anchor, inner in _HEADING.findall(clean)]
    return RenderedLesson(html=clean, headings=headings)


def _rewrite_links(html: str, rewrite: Callable[[str], str]) -> str:
    return re.sub(r'(src|href)="([^"]*)"', lambda m: f'{m.group(1)}="{rewrite(m.group(2))}"', html)


_BLOCK = re.compile(r"<(p|div|table|ul|ol|h[1-6]|blockquote|pre|figure|hr|dl)\b")


@lru_cache(maxsize=4096)
def render_quiz_text(text: str, text_format: str, asset_prefix: str = "", inline: bool = False) -> str:
    """A question, option or feedback text as safe HTML, by the question's GIFT format, as Moodle shows it.

    ``markdown`` is rendered like a lesson. ``html`` and ``moodle`` (GIFT's default, Moodle's "auto-format": text
    whose line breaks are kept and whose HTML tags are kept too) are cleaned by the lessons' allow-list. Images
    come from the course's assets (``../assets/NAME`` becomes ``asset_prefix + NAME``). ``plain`` shows exactly
    what was written. ``inline`` is for labels, where block elements are not allowed: one paragraph loses its
    ``<p>``; anything more becomes text. The same text gives the same HTML, so results are cached.
    """
    if text_format == "plain":
        return htmllib.escape(text, quote=False).replace("\n", "<br>")
    if text_format == "markdown":
        html = render_markdown(text, asset_url=lambda name: asset_prefix + name).html.strip()
    else:
        def asset(url: str) -> str:
            return asset_prefix + url[len("../assets/"):] if url.startswith("../assets/") else url

        source = text.replace("\n", "<br>") if text_format == "moodle" else text
        html = sanitize(_rewrite_links(source, asset)).strip()
    if not inline:
        return html
    single = re.fullmatch(r"<p>(.*)</p>", html, re.S)
    inner = single.group(1) if single else html
    return htmllib.escape(plain_text(html), quote=False) if _BLOCK.search(inner) else inner


@lru_cache(maxsize=4096)  # quiz options are shown as plain text on every attempt page
def plain_text(html: str) -> str:
    """The text of some HTML, without any markup (for a menu option or an accessible name)."""
    return htmllib.unescape(nh3.clean(html, tags=set())).strip()


def sanitize(html: str) -> str:
    """Keep only the allowed tags, attributes, classes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        allowed_classes=ALLOWED_CLASSES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
