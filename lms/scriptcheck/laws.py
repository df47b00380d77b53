"""Law references of the rule file: Chinese article numbers, the shipped index of cited articles, and reading the
law texts of ``../shared/domain/laws`` (files named ``简称-YYYY-MM-DD.md``, the body after ``<!-- INFO END -->``).

Pure: no Flask, no database. The index (``law_index.json``) holds, for every law the rules cite, its full title,
the file it came from, whether that file is a single unofficial source (⚠️), and each cited article's first
sentence and number of paragraphs and items, so ``lms script rules check`` works without the law texts.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

INDEX_PATH = Path(__file__).with_name("law_index.json")
_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 16 → 十六, 105 → 一百零五, 148 → 一百四十八 (as article numbers are written)."""
    if not 0 < n < 1000:
        raise ValueError(f"article number out of range: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            return out + "零" + _DIGITS[ones]
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


@dataclass(frozen=True)
class Article:
    law: str            # short name, e.g. 广告法
    number: int
    first_sentence: str
    paragraphs: int
    items: int          # items （一）（二）… in the article

    def label(self) -> str:
        return f"第{cn_number(self.number)}条"


def _body(text: str) -> str:
    return text.split("<!-- INFO END -->", 1)[1] if "<!-- INFO END -->" in text else text


def parse_articles(text: str, law: str) -> dict[int, Article]:
    """Every article of a law text, keyed by its number."""
    body = _body(text)
    heads = list(re.finditer(r"^第([零一二三四五六七八九十百]+)条[ \u3000]", body, re.M))
    numbers = {cn_number(n): n for n in range(1, 1000)}
    articles: dict[int, Article] = {}
    for i, head in enumerate(heads):
        number = numbers.get(head.group(1))
        if number is None:
            continue
        end = heads[i + 1].start() if i + 1 < len(heads) else len(body)
        chunk = body[head.end():end]
        chunk = re.split(r"^#", chunk, flags=re.M)[0]  # a chapter heading ends the article
        lines = [line.strip() for line in chunk.splitlines() if line.strip()]
        items = sum(1 for line in lines if re.match(r"^（[一二三四五六七八九十]+）", line))
        paragraphs = sum(1 for line in lines if not re.match(r"^（[一二三四五六七八九十]+）", line))
        first = re.split(r"(?<=[。：；])", lines[0])[0] if lines else ""
        articles[number] = Article(law, number, first, max(paragraphs, 1), items)
    return articles


def title_of(text: str) -> str:
    match = re.search(r"^# (.+)$", text, re.M)
    return match.group(1).strip() if match else ""


def single_source(text: str) -> bool:
    """The header comment of the file says it is a single unofficial source (⚠️ in the domain README)."""
    head = text.split("<!-- INFO END -->", 1)[0]
    return "单一" in head or "⚠️" in head


def law_files(laws_dir: Path) -> dict[str, Path]:
    """Short name → newest file of that law in ``laws_dir``."""
    found: dict[str, Path] = {}
    for path in sorted(laws_dir.glob("*.md")):
        match = re.match(r"^(.+)-(\d{4}-\d{2}-\d{2})\.md$", path.name)
        if match:
            found[match.group(1)] = path  # sorted: the later version wins
    return found


@dataclass(frozen=True)
class LawIndex:
    laws: dict[str, dict]  # short name → {"title", "file", "single_source", "articles": {"9": {...}}}

    @classmethod
    def load(cls, path: Path = INDEX_PATH) -> LawIndex:
        return cls(json.loads(path.read_text(encoding="utf-8"))["laws"])

    def article(self, law: str, number: int) -> Article | None:
        entry = self.laws.get(law, {}).get("articles", {}).get(str(number))
        if entry is None:
            return None
        return Article(law, number, entry["first_sentence"], entry["paragraphs"], entry["items"])

    def title(self, law: str) -> str:
        return self.laws.get(law, {}).get("title", law)

    def is_single_source(self, law: str) -> bool:
        return bool(self.laws.get(law, {}).get("single_source"))


def build_index(laws_dir: Path, cited: set[tuple[str, int]]) -> dict:
    """The index document for the ``cited`` (law, article) pairs, read from the texts in ``laws_dir``."""
    files = law_files(laws_dir)
    laws: dict[str, dict] = {}
    for law, number in sorted(cited):
        if law not in files:
            raise ValueError(f"no law text named {law}-YYYY-MM-DD.md in {laws_dir}")
        text = files[law].read_text(encoding="utf-8")
        entry = laws.setdefault(law, {"title": title_of(text), "file": files[law].name,
                                      "single_source": single_source(text), "articles": {}})
        article = parse_articles(text, law).get(number)
        if article is None:
            raise ValueError(f"{files[law].name} has no 第{cn_number(number)}条")
        entry["articles"][str(number)] = {"first_sentence": article.first_sentence,
                                          "paragraphs": article.paragraphs, "items": article.items}
    return {"generated_from": "shared/domain/laws", "laws": laws}
