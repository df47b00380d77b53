"""Lesson markdown is rendered with its features and sanitized against every script vector we know."""

from html.parser import HTMLParser

import pytest

from lms.catalogue.rendering import plain_text, render_markdown, render_quiz_text

FORBIDDEN_TAGS = {"script", "iframe", "object", "embed", "style", "link", "meta", "form", "input", "base", "svg",
                  "math", "details", "body"}  # fmt: skip


class Inspector(HTMLParser):
    """Collects what a browser would act on: tags, event attributes, and URLs."""

    def __init__(self) -> None:
        super().__init__()
        self.bad: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.bad.append(f"tag {tag}")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.bad.append(f"attribute {name}")
            if name in ("href", "src") and value and value.strip().lower().startswith(("javascript:", "data:")):
                self.bad.append(f"url {value}")


def dangerous(html: str) -> list[str]:
    inspector = Inspector()
    inspector.feed(html)
    return inspector.bad

ATTACKS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example.com/x.js></SCRIPT>",
    '<img src=x onerror="alert(1)">',
    "<img src=x oNeRrOr=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example.com"></iframe>',
    '<object data="x.swf"></object>',
    '<embed src="x.swf">',
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p onclick="alert(1)">x</p>',
    '<body onload=alert(1)>',
    '<form action="https://evil.example.com"><input name=x></form>',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<link rel=stylesheet href="https://evil.example.com/x.css">',
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<details open ontoggle=alert(1)>',
    '<base href="https://evil.example.com/">',
    "<<script>script>alert(1)<</script>/script>",
    '<img src="x" alt="`onerror=alert(1)`">',
    "<!--<script>alert(1)</script>-->",
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_survives(attack):
    html = render_markdown(f"正文\n\n{attack}\n\n结尾").html
    assert dangerous(html) == [], html
    assert "<script" not in html.lower() and "javascript:" not in html.lower()


def test_features_survive_sanitizing():
    text = """## 绝对化用语

广告不得使用"最佳"等用语[^1]。

!!! warning "别这样说"
    全网最低价

| 别这样说 | 可以这样说 |
|---|---|
| 全网最低 | 今天便宜二十元 |

![示意](../assets/room.svg)

[下一课](02-next.md#练习)

[^1]: 《广告法》第九条。
"""
    rendered = render_markdown(
        text, asset_url=lambda n: f"/a/{n}", lesson_url=lambda t: "/lesson/" + t, anchor_prefix="s-"
    )
    html = rendered.html
    assert '<h2 id="s-绝对化用语">' in html
    assert '<div class="admonition warning">' in html and '<p class="admonition-title">别这样说</p>' in html
    assert "<table>" in html and "<th>别这样说</th>" in html
    assert '<img alt="示意" src="/a/room.svg">' in html
    assert 'href="/lesson/02-next.md#练习"' in html
    assert 'class="footnote-ref" href="#s-fn:1"' in html and "《广告法》第九条。" in html
    assert rendered.headings == [(2, "s-绝对化用语", "绝对化用语")]


def test_external_links_get_noopener():
    html = render_markdown("[国家市场监管总局](https://www.samr.gov.cn/)").html
    assert 'href="https://www.samr.gov.cn/"' in html and "noopener" in html


# --- quiz texts, by their GIFT format ------------------------------------------------------------------------------


@pytest.mark.parametrize("attack", ATTACKS)
def test_no_script_survives_in_a_question_of_any_format(attack):
    for text_format in ("html", "markdown", "moodle"):
        html = render_quiz_text(f"题目 {attack}", text_format, "/courses/c/v1/assets/")
        assert dangerous(html) == [], (text_format, html)
        assert "<script" not in html.lower() and '="javascript:' not in html.lower()  # as text it is harmless


def test_plain_texts_show_what_was_written_and_moodle_texts_keep_their_html():
    assert render_quiz_text('价格<b>不是</b>"<100元"\n第二行', "plain") == '价格&lt;b&gt;不是&lt;/b&gt;"&lt;100元"<br>第二行'
    # GIFT's default is Moodle's auto-format: line breaks kept, HTML kept but cleaned, a "<" before a digit is text.
    html = render_quiz_text('价格<b>不是</b>"<100元"\n第二行<script>x()</script>', "moodle")
    assert html == '价格<b>不是</b>"&lt;100元"<br>第二行'


def test_markdown_and_html_questions_show_markup_and_the_courses_images():
    html = render_quiz_text("标签上的 **净含量**：\n\n![标签](../assets/label.svg)", "markdown", "/courses/c/v2/assets/")
    assert "<strong>净含量</strong>" in html and '<img alt="标签" src="/courses/c/v2/assets/label.svg">' in html
    html = render_quiz_text('<p>哪句是<b>绝对化</b>？</p><img src="../assets/a.png" onerror="x()">', "html", "/p/")
    assert html == '<p>哪句是<b>绝对化</b>？</p><img src="/p/a.png">'


def test_inline_texts_for_labels_lose_their_paragraph_or_become_text():
    assert render_quiz_text("**全网最低**", "markdown", inline=True) == "<strong>全网最低</strong>"
    assert render_quiz_text("- 甲\n- 乙", "markdown", inline=True) == "甲\n乙"  # a list cannot sit in a label
    assert plain_text("<p>哪句是<b>绝对化</b> &amp; 违规？</p>") == "哪句是绝对化 & 违规？"
