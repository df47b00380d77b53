"""The T-profile SVG: well-formed, accessible, escaped, self-contained and 360 units wide (docs/skills.md)."""

import re
import xml.etree.ElementTree as ET

import pytest

from lms.skills.mastery import PRIOR_MEAN, SkillMastery
from lms.skills.profile import TProfile, build_profile
from lms.skills.tsvg import (
    LEVEL_FILL,
    OUTLINE,
    SEGMENT_HEIGHT,
    STEM_LENGTH,
    TEXT,
    WIDTH,
    _width,
    render_t_svg,
)

NS = {"s": "http://www.w3.org/2000/svg"}
HORIZONTAL = [
    "compliance",
    "aigc",
    "data-analysis",
    "content",
    "supply-chain",
    "wellbeing",
    "platform-ops",
    "product-research",
]
LABELS = {
    "compliance": "法规与合规",
    "aigc": "AIGC 工具应用",
    "data-analysis": "直播间数据分析",
    "content": "内容与讲解表达",
    "supply-chain": "选品与供应链品控",
    "wellbeing": "身心健康与心理韧性",
    "platform-ops": "平台规则与运营",
    "product-research": "商品研究与讲解依据",
    "beauty": "美妆护肤",
    "food": "食品农产品",
}
LEVEL_NAMES = {"none": "未评定", "beginner": "入门", "proficient": "熟练", "expert": "精通"}
LEVELS = ["none", "beginner", "proficient", "expert"]


def make_profile(verticals: dict[str, tuple[str, float]], levels: list[str] | None = None) -> TProfile:
    levels = levels or [LEVELS[i % 4] for i in range(len(HORIZONTAL))]
    items = [
        SkillMastery(s, 0.2 + 0.2 * LEVELS.index(lv), 0.6, 0 if lv == "none" else 5, lv)  # type: ignore[arg-type]
        for s, lv in zip(HORIZONTAL, levels)
    ]
    items += [SkillMastery(s, m, 0.6, 4, lv) for s, (lv, m) in verticals.items()]  # type: ignore[arg-type]
    return build_profile({m.skill: m for m in items}, HORIZONTAL, list(verticals))


def render(profile: TProfile, labels: dict[str, str] = LABELS, title: str = "我的技能 T 型图") -> str:
    return render_t_svg(profile, labels, title, LEVEL_NAMES)


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_well_formed_and_accessible():
    svg = render(make_profile({"beauty": ("proficient", 0.7)}))
    root = ET.fromstring(svg)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    title, desc = root[0], root[1]
    assert title.tag.endswith("title") and title.text == "我的技能 T 型图"
    assert desc.tag.endswith("desc") and "美妆护肤: 熟练 · 70%" in (desc.text or "")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_every_label_and_level_is_written_out():
    root = ET.fromstring(render(make_profile({"beauty": ("expert", 0.9)})))
    shown = " ".join(texts(root))
    for skill in [*HORIZONTAL, "beauty"]:
        assert LABELS[skill] in shown
    for name in LEVEL_NAMES.values():
        assert name in shown
    # Numbers tie the crossbar segments to the legend rows.
    assert [str(i) for i in range(1, 9)] == [t for t in texts(root) if t.isdigit()][:8]


def test_labels_from_data_are_escaped():
    hostile = "<script>alert(\"x\")</script> & <b onclick='y'>"
    labels = {**LABELS, "compliance": hostile, "beauty": "A & B <i>"}
    svg = render(make_profile({"beauty": ("beginner", 0.5)}), labels, title="</title><script>z</script>")
    assert "<script" not in svg and "<b " not in svg and "<i>" not in svg
    root = ET.fromstring(svg)
    assert not list(root.iter("{http://www.w3.org/2000/svg}script"))
    assert root[0].text == "</title><script>z</script>"
    assert hostile in (root[1].text or "")
    assert "A & B <i>" in " ".join(texts(root))


def test_characters_xml_forbids_are_dropped():
    labels = {**LABELS, "aigc": "AI\x00GC\x1b tools\nnew line"}
    root = ET.fromstring(render(make_profile({}), labels))
    assert "AIGC tools new line" in " ".join(texts(root))


def test_no_scripts_styles_or_external_resources():
    svg = render(make_profile({"beauty": ("expert", 0.9), "food": ("beginner", 0.45)}))
    root = ET.fromstring(svg)
    tags = {el.tag.split("}")[1] for el in root.iter()}
    assert tags <= {"svg", "title", "desc", "rect", "text", "line"}
    for el in root.iter():
        assert not any(
            name.endswith("href") or name.startswith("on") or name == "style" for name in el.attrib
        )
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "")


@pytest.mark.parametrize(
    "verticals",
    [{}, {"beauty": ("proficient", 0.7)}, {"beauty": ("expert", 1.0), "food": ("beginner", 0.45)}],
)
def test_fits_a_360_pixel_phone(verticals):
    labels = {
        **LABELS,
        "compliance": "Regulations and compliance for live selling, with many more words " * 3,
        "beauty": "Beauty and skincare, a very long vertical name indeed",
        "food": "食品农产品" * 6,
    }
    root = ET.fromstring(render(make_profile(verticals), labels, title="My T-shaped profile " * 5))
    min_x, min_y, width, height = (float(v) for v in root.get("viewBox", "").split())
    assert (min_x, min_y, width) == (0, 0, WIDTH) and WIDTH <= 360
    assert root.get("width") == "100%"
    for rect in root.iter("{http://www.w3.org/2000/svg}rect"):
        assert 0 <= float(rect.get("x", 0)) and float(rect.get("x", 0)) + float(rect.get("width", 0)) <= width
        assert float(rect.get("y", 0)) + float(rect.get("height", 0)) <= height
    for text in root.iter("{http://www.w3.org/2000/svg}text"):
        x, size, content = float(text.get("x", 0)), float(text.get("font-size", 0)), "".join(text.itertext())
        start = {"middle": x - _width(content, size) / 2, "end": x - _width(content, size)}.get(
            text.get("text-anchor", ""), x
        )
        assert 0 <= start and start + _width(content, size) <= width, content
        assert float(text.get("y", 0)) <= height


def test_long_labels_are_shortened_on_screen_but_whole_in_the_description():
    long_name = "Product selection and supply-chain quality control for live rooms"
    root = ET.fromstring(render(make_profile({}), {**LABELS, "supply-chain": long_name}))
    assert long_name in (root[1].text or "")
    assert any(t.endswith("…") and long_name.startswith(t[:-1]) for t in texts(root))


def test_segment_height_and_colour_follow_the_level():
    assert [SEGMENT_HEIGHT[lv] for lv in LEVELS] == sorted(SEGMENT_HEIGHT.values())
    assert len(set(SEGMENT_HEIGHT.values())) == 4
    root = ET.fromstring(render(make_profile({}, levels=["expert", "none", "beginner", "proficient"] * 2)))
    bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.find("s:title", NS) is not None]
    assert [float(r.get("height", 0)) for r in bars[:4]] == [36, 8, 16, 26]
    assert [r.get("fill") for r in bars[:4]] == [
        LEVEL_FILL["expert"],
        "#ffffff",
        LEVEL_FILL["beginner"],
        LEVEL_FILL["proficient"],
    ]
    assert bars[1].get("stroke") == OUTLINE


def test_colours_have_enough_contrast_on_white():
    assert contrast(TEXT, "#ffffff") >= 4.5
    assert contrast(OUTLINE, "#ffffff") >= 3
    for level in ("beginner", "proficient", "expert"):
        assert contrast(LEVEL_FILL[level], "#ffffff") >= 3


def stems(root: ET.Element) -> list[ET.Element]:
    return [
        r
        for r in root.iter("{http://www.w3.org/2000/svg}rect")
        if r.get("stroke-dasharray") == "4 3"
        or (r.get("fill") in LEVEL_FILL.values() and r.get("width") == "36")
    ]


def test_the_stem_length_follows_mastery():
    for mastery in (0.25, 0.5, 0.9):
        root = ET.fromstring(render(make_profile({"beauty": ("proficient", mastery)})))
        track, fill = stems(root)
        assert float(track.get("height", 0)) == STEM_LENGTH
        assert float(fill.get("height", 0)) == pytest.approx(mastery * STEM_LENGTH, abs=0.01)


def test_a_pi_has_two_stems_and_no_vertical_has_none():
    pi = ET.fromstring(render(make_profile({"beauty": ("expert", 0.9), "food": ("proficient", 0.7)})))
    tracks = [r for r in stems(pi) if r.get("stroke-dasharray")]
    assert len(tracks) == 2 and tracks[0].get("x") != tracks[1].get("x")
    assert not stems(ET.fromstring(render(make_profile({}))))


def test_an_unmeasured_vertical_shows_an_empty_stem_and_no_percentage():
    empty = build_profile({}, HORIZONTAL, ["beauty"])
    root = ET.fromstring(render(empty))
    assert [r.get("stroke-dasharray") for r in stems(root)] == ["4 3"]
    assert "%" not in " ".join(texts(root))
    assert str(round(PRIOR_MEAN * 100)) + "%" not in (root[1].text or "")


def test_missing_names_fall_back_to_ids_and_a_dash():
    svg = render_t_svg(build_profile({}, HORIZONTAL[:2], []), {}, "T", {})
    shown = texts(ET.fromstring(svg))
    assert "compliance" in shown and "aigc" in shown and "—" in shown


def test_ids_can_be_prefixed_and_are_checked():
    svg = render_t_svg(make_profile({}), LABELS, "T", LEVEL_NAMES, id_prefix="host-42")
    assert 'aria-labelledby="host-42-title host-42-desc"' in svg
    for bad in ("", "1abc", 'x" onload="y', "a b"):
        with pytest.raises(ValueError):
            render_t_svg(make_profile({}), LABELS, "T", LEVEL_NAMES, id_prefix=bad)
    assert not re.search(r"\bon\w+=", svg)
