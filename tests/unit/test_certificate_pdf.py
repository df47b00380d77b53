"""The printable certificate PDF (lms.certificates.pdf).

Text is read back with poppler's ``pdftotext``, the page is rasterised with ``pdftoppm`` and the QR code is read
back from those pixels by a small QR decoder below (byte, alphanumeric and numeric mode; versions 1-10), which
is itself checked against segno. Locally the poppler tests skip when poppler-utils is missing; in CI (CI=true)
they fail instead, so a CI machine without it cannot pass by skipping.
"""

from __future__ import annotations

import ast
import dataclasses
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import segno

from lms.certificates import pdf, textlayout
from lms.certificates.pdf import CertificateRecord, format_hours, render_certificate_pdf
from tests.conftest import require_program
from tests.unit.test_architecture import is_pure

VERIFY_URL = "https://lms.example.cn/verify/23456-789AB-CDEFG"


@pytest.fixture
def record() -> CertificateRecord:
    return CertificateRecord(
        number="23456-789AB-CDEFG",
        holder_name="张三",
        holder_id_masked="**************002X",
        course_title_zh="互联网营销师（直播销售员）五级/初级工 培训",
        course_title_en="Internet Marketer (Live-stream Seller), Level 5 / Junior: Training",
        course_version="v2 · 1a2b3c4d5e6f",
        hours=126.0,
        score=85,
        started_on=date(2026, 5, 6),
        completed_on=date(2026, 6, 28),
        issued_on=date(2026, 7, 1),
        issuer_name="某某职业培训学校",
        skills=["直播间搭建", "话术设计", "选品与定价", "合规与消费者权益保护", "数据复盘"],
    )


def _tool(name: str) -> str:
    return require_program(name, "poppler-utils")


def _run(*args: str | Path) -> bytes:
    return subprocess.run([str(a) for a in args], check=True, capture_output=True, timeout=60).stdout


def _pdftotext(data: bytes, tmp_path: Path) -> str:
    tool = _tool("pdftotext")
    src = tmp_path / "certificate.pdf"
    src.write_bytes(data)
    # -raw: content-stream order, and it keeps the diagonal REVOKED mark (the layout modes drop rotated text).
    return _run(tool, "-raw", "-enc", "UTF-8", src, "-").decode("utf-8")


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


# --- the PDF itself ---------------------------------------------------------------------------------------------


def test_same_record_gives_byte_identical_pdf(record):
    first = render_certificate_pdf(record, VERIFY_URL)
    second = render_certificate_pdf(dataclasses.replace(record), VERIFY_URL)
    assert first.startswith(b"%PDF-") and first.rstrip().endswith(b"%%EOF")
    assert first == second
    assert render_certificate_pdf(record, VERIFY_URL, revoked=True) == render_certificate_pdf(
        record, VERIFY_URL, revoked=True
    )


def test_any_change_changes_the_bytes(record):
    base = render_certificate_pdf(record, VERIFY_URL)
    assert render_certificate_pdf(dataclasses.replace(record, hours=127.0), VERIFY_URL) != base
    assert render_certificate_pdf(record, VERIFY_URL + "x") != base
    assert render_certificate_pdf(record, VERIFY_URL, revoked=True) != base


def test_page_is_one_a4_landscape_page(record):
    data = render_certificate_pdf(record, VERIFY_URL)
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert len(boxes) == 1
    x0, y0, x1, y1 = (float(v) for v in boxes[0])
    width, height = x1 - x0, y1 - y0
    assert (round(width), round(height)) == (842, 595)  # 297 × 210 mm
    assert abs(width - 297 / 25.4 * 72) < 0.5 and abs(height - 210 / 25.4 * 72) < 0.5
    assert re.findall(rb"/Rotate\s+(-?\d+)", data) in ([], [b"0"])


def test_chinese_uses_the_standard_cid_font_and_latin_helvetica(record):
    data = render_certificate_pdf(record, VERIFY_URL)
    assert b"/BaseFont /STSong-Light" in data and b"/UniGB-UCS2-H" in data
    assert b"/BaseFont /Helvetica" in data
    assert b"/FontFile" not in data  # standard fonts: nothing embedded, every reader supplies them


def test_with_the_site_font_the_chinese_subset_is_embedded_and_readable(record, tmp_path):
    from lms.certificates.textlayout import find_cjk_font_file

    font = find_cjk_font_file()
    assert font is not None, "CI installs fonts-wqy-microhei"
    data = render_certificate_pdf(record, VERIFY_URL, cjk_font_path=font)
    assert b"/FontFile2" in data and b"/STSong-Light" not in data  # a TrueType subset travels with the file
    assert render_certificate_pdf(record, VERIFY_URL, cjk_font_path=font) == data  # still deterministic
    text = _squash(_pdftotext(data, tmp_path))
    assert _squash(record.holder_name) in text and _squash(record.course_title_zh) in text


def test_metadata_is_fixed(record):
    data = render_certificate_pdf(record, VERIFY_URL)
    assert b"/Creator (lms certificates)" in data
    assert b"D:20000101000000" in data  # ReportLab's invariant date, not today's


@pytest.mark.parametrize("module", [pdf, textlayout])
def test_pdf_module_stays_pure(module):
    # Pure as docs/architecture.md says: no Flask, no database, and of lms only the modules the architecture test
    # lists as pure (the text layout is one of them), so the renderer runs in a script or the offline tools too.
    tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports of other lms modules"
            imported.add(node.module or "")
    roots = {name.split(".")[0] for name in imported}
    assert not roots & {"flask", "sqlalchemy", "alembic", "werkzeug", "flask_login", "flask_babel"}, imported
    assert not any(name.startswith("flask_") for name in roots), imported
    lms_modules = {name for name in imported if name == "lms" or name.startswith("lms.")}
    assert all(is_pure(name) for name in lms_modules), lms_modules
    assert is_pure(module.__name__)


def test_pdf_module_loads_without_flask_or_the_database():
    code = ("import sys, lms.certificates.pdf; "
            "assert not {'flask', 'sqlalchemy', 'lms.db'} & set(sys.modules), sorted(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=str(Path(pdf.__file__).parents[2]))


# --- the record ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "masked",
    [
        "110105199001010023",
        "11010519900101002X",
        "110105900101002",
        "110105 19900101 002X",
        "110105**900101**2X",
        "110105********002X",
        "**************1002X",
    ],
)
def test_record_refuses_an_id_number_that_shows_more_than_its_last_four(record, masked):
    with pytest.raises(ValueError, match="last four"):
        dataclasses.replace(record, holder_id_masked=masked)


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"hours": -1.0}, ValueError),
        ({"hours": float("nan")}, ValueError),
        ({"score": 101}, ValueError),
        ({"score": True}, ValueError),
        ({"holder_name": "  "}, ValueError),
        ({"completed_on": date(2026, 5, 5)}, ValueError),
        ({"issued_on": "2026-07-01"}, TypeError),
    ],
)
def test_record_refuses_nonsense(record, changes, error):
    with pytest.raises(error):
        dataclasses.replace(record, **changes)


def test_record_is_frozen_and_keeps_skills_as_a_tuple(record):
    assert record.skills == ("直播间搭建", "话术设计", "选品与定价", "合规与消费者权益保护", "数据复盘")
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.hours = 1.0  # type: ignore[misc]


def test_verify_url_must_be_a_url(record):
    with pytest.raises(ValueError):
        render_certificate_pdf(record, "")
    with pytest.raises(ValueError):
        render_certificate_pdf(record, "https://lms.example.cn/verify/a b")


@pytest.mark.parametrize(("hours", "text"), [(126.0, "126"), (126, "126"), (126.5, "126.5"), (12.25, "12.25"),
                                              (0.0, "0"), (1e-9, "0"), (120.004, "120")])  # fmt: skip
def test_format_hours(hours, text):
    assert format_hours(hours) == text


# --- text read back with pdftotext --------------------------------------------------------------------------------


def test_text_carries_the_certificate_fields(record, tmp_path):
    text = _pdftotext(render_certificate_pdf(record, VERIFY_URL), tmp_path)
    flat = _squash(text)
    for expected in (
        "培训合格证书",
        "TRAININGCERTIFICATE",
        record.holder_name,
        record.holder_id_masked,
        record.course_title_zh,
        record.course_title_en,
        record.number,
        record.issuer_name,
        "2026年5月6日",
        "2026年6月28日",
        "2026年7月1日",
        "126学时",
        "126hours",
        "85分",
        "v2·1a2b3c4d5e6f",
        "合规与消费者权益保护",
    ):
        assert _squash(expected) in flat, expected
    assert f"扫码或访问 {VERIFY_URL} 核验" in text
    assert f"Scan or visit {VERIFY_URL} to verify" in text
    # The number is printed under the QR code: the label, the number and the scan hint follow one another.
    assert re.search(r"证书编号\s*Certificate No\.\s*" + re.escape(record.number), text)
    # A training certificate, not a 职业技能等级证书: no skill level line, no OSTA query site, no photo box.
    assert "osta" not in text.lower() and "评价机构" not in text and "照片" not in text
    assert "REVOKED" not in text and "已撤销" not in text


def test_text_without_score_and_with_latin_name(record, tmp_path):
    latin = dataclasses.replace(record, holder_name="Alexandra Montgomery", score=None, hours=12.5)
    text = _pdftotext(render_certificate_pdf(latin, VERIFY_URL), tmp_path)
    flat = _squash(text)
    assert "Alexandra Montgomery" in text
    assert "12.5学时" in flat and "完成全部培训要求" in flat
    assert "考核合格，特发此证" not in flat


def test_revoked_certificate_is_marked(record, tmp_path):
    text = _pdftotext(render_certificate_pdf(record, VERIFY_URL, revoked=True), tmp_path)
    flat = _squash(text)
    assert "已撤销" in flat and "REVOKED" in flat
    assert "本证书已撤销" in flat  # the banner, when there is no status note
    assert record.number in text  # still readable: a bureau must see what was revoked

    noted = dataclasses.replace(
        record, status_note="已撤销 2026-08-01：学时记录有误 / Revoked on 1 August 2026"
    )
    text = _pdftotext(render_certificate_pdf(noted, VERIFY_URL, revoked=True), tmp_path)
    assert "学时记录有误" in text and "Revoked on 1 August 2026" in text


def test_pdfinfo_sees_a4(record, tmp_path):
    tool = _tool("pdfinfo")
    src = tmp_path / "c.pdf"
    src.write_bytes(render_certificate_pdf(record, VERIFY_URL))
    info = _run(tool, src).decode("utf-8")
    assert re.search(r"Page size:\s+841\.89 x 595\.27\d pts \(A4\)", info), info
    assert re.search(r"Pages:\s+1\b", info)
    assert "培训合格证书" in info  # the title metadata


# --- pictures -----------------------------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


def test_page_renders_to_png_kept_as_artefact(record, tmp_path, artifacts_dir):
    tool = _tool("pdftoppm")
    for name, revoked in (("certificate", False), ("certificate-revoked", True)):
        src = tmp_path / f"{name}.pdf"
        src.write_bytes(render_certificate_pdf(record, VERIFY_URL, revoked=revoked))
        _run(tool, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile", src, tmp_path / name)
        png = (tmp_path / f"{name}.png").read_bytes()
        width, height = _png_size(png)
        assert (width, height) in {(935, 661), (936, 661), (935, 662), (936, 662)}, (width, height)
        shutil.copyfile(tmp_path / f"{name}.png", artifacts_dir / f"{name}.png")
    assert (artifacts_dir / "certificate.png").stat().st_size > 10_000


def _read_pgm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    fields = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    assert fields, data[:20]
    width, height, maxval = (int(v) for v in fields.groups())
    assert maxval == 255
    return width, height, data[fields.end() : fields.end() + width * height]


def _sample_qr(width: int, height: int, pixels: bytes) -> list[list[int]]:
    """Find the symbol in a clean greyscale picture and read one pixel at the centre of every module."""

    def dark(x: int, y: int) -> bool:
        return pixels[y * width + x] < 128

    rows = [y for y in range(height) if any(dark(x, y) for x in range(width))]
    cols = [x for x in range(width) if any(dark(x, y) for y in range(height))]
    assert rows and cols, "no dark pixels where the QR code should be"
    top, bottom, left, right = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    finder = 0  # the top-left finder pattern's top edge is a run of 7 dark modules
    while dark(left + finder, top):
        finder += 1
    n = round((right - left) / (finder / 7))
    assert (n - 17) % 4 == 0 and n >= 21, n
    assert abs((bottom - top) - (right - left)) <= 2
    step_x, step_y = (right - left) / n, (bottom - top) / n
    return [[int(dark(int(left + (c + 0.5) * step_x), int(top + (r + 0.5) * step_y))) for c in range(n)]
            for r in range(n)]  # fmt: skip


def test_qr_code_in_the_pdf_decodes_to_the_verify_url(record, tmp_path):
    tool = _tool("pdftoppm")
    src = tmp_path / "c.pdf"
    src.write_bytes(render_certificate_pdf(record, VERIFY_URL))
    dpi = 300
    x0, y0, size = pdf.QR_BOX
    page_height = pdf.PAGE_SIZE[1]
    pad = -4.0  # crop inside the 4-module quiet zone: only the symbol is dark there
    crop = [round((x0 - pad) * dpi / 72), round((page_height - y0 - size - pad) * dpi / 72)]
    crop += [round((size + 2 * pad) * dpi / 72)] * 2
    out = tmp_path / "qr"
    _run(tool, "-gray", "-r", str(dpi), "-x", str(crop[0]), "-y", str(crop[1]), "-W", str(crop[2]),
         "-H", str(crop[3]), "-singlefile", src, out)  # fmt: skip
    matrix = _sample_qr(*_read_pgm(out.with_suffix(".pgm")))

    assert qr_decode(matrix) == VERIFY_URL
    # And it is exactly the symbol segno makes for the URL (error level M).
    expected = segno.make(VERIFY_URL, error="m", micro=False, boost_error=False)
    assert matrix == [list(row) for row in expected.matrix]


def test_qr_is_drawn_as_vectors_not_text(record):
    data = render_certificate_pdf(record, VERIFY_URL)
    assert b"/Subtype /Image" not in data  # vector modules: crisp on any printer
    assert b"/URI (" + VERIFY_URL.encode() + b")" in data  # and the symbol is a link in the PDF


# --- a small QR decoder (ISO/IEC 18004), enough for our own clean symbols -----------------------------------------

_ECC_PER_BLOCK = {  # error-correction codewords per block, versions 1-10
    "L": (7, 10, 15, 20, 26, 18, 20, 24, 30, 18),
    "M": (10, 16, 26, 18, 24, 16, 18, 22, 22, 26),
    "Q": (13, 22, 18, 26, 18, 24, 18, 22, 20, 24),
    "H": (17, 28, 22, 16, 22, 28, 26, 26, 24, 28),
}
_BLOCKS = {  # number of error-correction blocks, versions 1-10
    "L": (1, 1, 1, 1, 1, 2, 2, 2, 2, 4),
    "M": (1, 1, 1, 2, 2, 4, 4, 4, 5, 5),
    "Q": (1, 1, 2, 2, 4, 4, 6, 6, 8, 8),
    "H": (1, 1, 2, 4, 4, 4, 5, 6, 8, 8),
}
_LEVEL_BITS = {"L": 1, "M": 0, "Q": 3, "H": 2}
_MASKS = (
    lambda x, y: (x + y) % 2 == 0,
    lambda x, y: y % 2 == 0,
    lambda x, y: x % 3 == 0,
    lambda x, y: (x + y) % 3 == 0,
    lambda x, y: (x // 3 + y // 2) % 2 == 0,
    lambda x, y: x * y % 2 + x * y % 3 == 0,
    lambda x, y: (x * y % 2 + x * y % 3) % 2 == 0,
    lambda x, y: ((x + y) % 2 + x * y % 3) % 2 == 0,
)
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"


def _format_word(level: str, mask: int) -> int:
    data = _LEVEL_BITS[level] << 3 | mask
    rem = data
    for _ in range(10):
        rem = (rem << 1) ^ ((rem >> 9) * 0x537)
    return (data << 10 | rem) ^ 0x5412


def _alignment_positions(version: int) -> list[int]:
    if version == 1:
        return []
    count = version // 7 + 2
    step = (version * 8 + count * 3 + 5) // (count * 4 - 4) * 2
    size = 4 * version + 17
    return [6] + [size - 7 - i * step for i in range(count - 1)][::-1]


def _function_modules(version: int) -> list[list[bool]]:
    n = 4 * version + 17
    fn = [[False] * n for _ in range(n)]

    def mark(row: int, col: int, height: int, width: int) -> None:
        for r in range(max(0, row), min(n, row + height)):
            for c in range(max(0, col), min(n, col + width)):
                fn[r][c] = True

    mark(0, 0, 9, 9)  # finders, separators, format information
    mark(0, n - 8, 9, 8)
    mark(n - 8, 0, 8, 9)
    mark(6, 0, 1, n)  # timing patterns
    mark(0, 6, n, 1)
    positions = _alignment_positions(version)
    corners = {(6, 6), (6, positions[-1] if positions else 0), (positions[-1] if positions else 0, 6)}
    for r in positions:
        for c in positions:
            if (r, c) not in corners:
                mark(r - 2, c - 2, 5, 5)
    if version >= 7:  # version information
        mark(0, n - 11, 6, 3)
        mark(n - 11, 0, 3, 6)
    return fn


def _read_format(m: list[list[int]]) -> tuple[str, int]:
    n = len(m)
    first = [m[i][8] for i in range(6)] + [m[7][8], m[8][8], m[8][7]] + [m[8][14 - i] for i in range(9, 15)]
    second = [m[8][n - 1 - i] for i in range(8)] + [m[n - 15 + i][8] for i in range(8, 15)]
    best = None
    for level in "LMQH":
        for mask in range(8):
            word = [(_format_word(level, mask) >> i) & 1 for i in range(15)]
            dist = min(sum(a != b for a, b in zip(word, copy, strict=True)) for copy in (first, second))
            if best is None or dist < best[0]:
                best = (dist, level, mask)
    assert best is not None and best[0] <= 3, "format information unreadable"
    return best[1], best[2]


def qr_decode(m: list[list[int]]) -> str:
    """Decode a clean QR module matrix (1 = dark). No error correction: our symbols are read without damage."""
    n = len(m)
    version = (n - 17) // 4
    assert 1 <= version <= 10 and n == 4 * version + 17, n
    level, mask = _read_format(m)
    fn = _function_modules(version)
    bits: list[int] = []
    right = n - 1
    while right >= 1:
        if right == 6:
            right = 5
        upward = ((right + 1) & 2) == 0
        for vert in range(n):
            y = n - 1 - vert if upward else vert
            for x in (right, right - 1):
                if not fn[y][x]:
                    bits.append(m[y][x] ^ int(_MASKS[mask](x, y)))
        right -= 2
    codewords = [int("".join(map(str, bits[i : i + 8])), 2) for i in range(0, len(bits) - 7, 8)]
    blocks, ecc = _BLOCKS[level][version - 1], _ECC_PER_BLOCK[level][version - 1]
    short_blocks, short_len = blocks - len(codewords) % blocks, len(codewords) // blocks
    data_lens = [short_len - ecc + (0 if b < short_blocks else 1) for b in range(blocks)]
    per_block: list[list[int]] = [[] for _ in range(blocks)]
    k = 0
    for i in range(max(data_lens)):
        for b in range(blocks):
            if i < data_lens[b]:
                per_block[b].append(codewords[k])
                k += 1
    stream = "".join(f"{cw:08b}" for block in per_block for cw in block)
    pos = 0

    def read(count: int) -> int:
        nonlocal pos
        value = int(stream[pos : pos + count], 2)
        pos += count
        return value

    small = version <= 9
    out = bytearray()
    while pos + 4 <= len(stream):
        mode = read(4)
        if mode == 0:
            break
        if mode == 0b0100:  # byte
            out += bytes(read(8) for _ in range(read(8 if small else 16)))
        elif mode == 0b0010:  # alphanumeric
            count = read(9 if small else 11)
            for _ in range(count // 2):
                pair = read(11)
                out += (_ALNUM[pair // 45] + _ALNUM[pair % 45]).encode()
            if count % 2:
                out += _ALNUM[read(6)].encode()
        elif mode == 0b0001:  # numeric
            count = read(10 if small else 12)
            while count >= 3:
                out += f"{read(10):03d}".encode()
                count -= 3
            if count:
                out += f"{read(7 if count == 2 else 4):0{count}d}".encode()
        else:
            raise AssertionError(f"unsupported QR mode {mode:04b}")
    return out.decode("utf-8")


@pytest.mark.parametrize("version", range(1, 11))
@pytest.mark.parametrize("level", "LMQH")
def test_qr_decoder_agrees_with_segno(version, level):
    # Byte, alphanumeric and numeric data, cut down until it fits the version; every mask.
    texts = ["https://lms.example.cn/verify/" + "23456-789AB-CDEFG/" * 20, "HTTPS://LMS.EXAMPLE.CN/V/" * 30,
             "0123456789" * 60]  # fmt: skip
    for mask in range(8):
        text = texts[mask % 3]
        while True:
            try:
                qr = segno.make(text, version=version, error=level.lower(), mask=mask, boost_error=False)
                break
            except segno.DataOverflowError:
                text = text[: len(text) * 9 // 10]
        assert qr.version == version and qr.mask == mask
        assert qr_decode([list(row) for row in qr.matrix]) == text, (text, mask)


def test_qr_decoder_reads_the_certificate_symbol_straight_from_segno():
    assert qr_decode([list(row) for row in pdf.qr_code(VERIFY_URL).matrix]) == VERIFY_URL
