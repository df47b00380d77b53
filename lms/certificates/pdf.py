"""The printable certificate (培训合格证书 / Training Certificate) as a one-page A4-landscape PDF.

Pure: ReportLab, segno and the pure text layout (:mod:`lms.certificates.textlayout`); no Flask, no database. The
web layer builds a :class:`CertificateRecord` from its models and calls :func:`render_certificate_pdf`.

What the page carries (certificates.md §9.1): 证书序列号, 参训人员姓名, masked 身份信息, 培训项目名称,
培训起止日期, 学时, 考核结果, 培训机构名称 and 发证日期, in Chinese first and English second, plus a QR code
that encodes the verify URL with the number printed under it.

What it deliberately does not do (certificates.md §9.2): it is a *training* certificate, so it carries no
"职业技能等级证书" / "职业资格证书" title, no 职业技能等级 line, no holder photo, no 评价机构 wording and no
OSTA query sites, and its number (three groups of five) looks nothing like their letter + 21 digits. A footnote
says so in both languages. The design is plain: navy rules on white, no red seal, no guilloche.

Privacy (certificates.md §8): the full 身份证号 never goes into the PDF. :class:`CertificateRecord` refuses a
value that looks like a whole ID or shows any of the eight birth-date digits.

Fonts: Chinese is set in a subset of the CJK font file the site passes (``cjk_font_path``: Debian's WenQuanYi Micro
Hei or Noto CJK), embedded, so phone viewers without Chinese fonts show it too; without one, in ReportLab's standard
CID font ``STSong-Light``, which desktop readers supply. Latin text is set in Helvetica. Fonts, widths, wrapping and
fitting of mixed Chinese/Latin text are in :mod:`lms.certificates.textlayout`.

Determinism: the canvas runs in ReportLab's invariant mode (fixed dates and document ID) and every piece of
metadata comes from the record, so the same record and URL always give byte-identical output.
"""

from __future__ import annotations

import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import segno
from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfgen import canvas

from lms.certificates.textlayout import (
    LATIN_BOLD,
    LATIN_FONT,
    current_cjk_font,
    draw_centred,
    draw_text,
    fit,
    latin_ok,
    use_cjk_font,
)

__all__ = [
    "PAGE_SIZE",
    "QR_BOX",
    "QR_ERROR",
    "CertificateRecord",
    "format_hours",
    "qr_code",
    "render_certificate_pdf",
]

PAGE_SIZE = landscape(A4)  # (841.89, 595.28) points
# Error level M: 15 % recovery survives a crease or a smudge on a printout; a ~60-byte URL stays version 4.
QR_ERROR = "M"
QR_QUIET_ZONE = 4  # modules, as ISO/IEC 18004 asks
# Where the QR symbol (including its quiet zone) sits, in PDF points from the bottom-left corner: x, y, size.
QR_BOX = (642.0, 188.0, 150.0)
CREATOR = "lms certificates"

_W, _H = PAGE_SIZE
_MARGIN = 22.0

_NAVY = Color(0.122, 0.227, 0.373)  # #1F3A5F
_INK = Color(0.13, 0.13, 0.13)
_MUTED = Color(0.40, 0.42, 0.45)
_RULE = Color(0.72, 0.76, 0.81)
_REVOKED = Color(0.70, 0.05, 0.10)

_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

_FULL_ID = re.compile(r"\d{17}[\dXx]|\d{15}")


@dataclass(frozen=True)
class CertificateRecord:
    """Everything printed on one certificate. Dates are calendar dates in the issuer's time zone."""

    number: str  # formatted, e.g. "23456-789AB-CDEFG"
    holder_name: str  # legal name
    holder_id_masked: str  # "**************002X": the public mask (masking.mask_id_public), never more
    course_title_zh: str
    course_title_en: str
    course_version: str  # e.g. "v2 · 1a2b3c4d5e6f"
    hours: float  # credited study hours (标准学时)
    score: int | None  # final assessment, percent; None when the course has no scored assessment
    started_on: date
    completed_on: date
    issued_on: date
    issuer_name: str  # the training organisation's registered full name
    skills: Sequence[str] = field(default_factory=tuple)  # display names
    status_note: str | None = None  # printed in a banner, e.g. "已撤销 2026-08-01：… / Revoked on …"

    def __post_init__(self) -> None:
        object.__setattr__(self, "skills", tuple(self.skills))
        for name in ("number", "holder_name", "course_title_zh", "issuer_name"):
            if not str(getattr(self, name)).strip():
                raise ValueError(f"{name} must not be empty")
        if not isinstance(self.hours, (int, float)) or not math.isfinite(self.hours) or self.hours < 0:
            raise ValueError("hours must be a finite number >= 0")
        if self.score is not None and (
            isinstance(self.score, bool) or not isinstance(self.score, int) or not 0 <= self.score <= 100
        ):
            raise ValueError("score must be an int between 0 and 100, or None")
        for name in ("started_on", "completed_on", "issued_on"):
            if not isinstance(getattr(self, name), date):
                raise TypeError(f"{name} must be a datetime.date")
        if self.completed_on < self.started_on:
            raise ValueError("completed_on is before started_on")
        if _shows_id_number(self.holder_id_masked):
            raise ValueError("holder_id_masked must show at most the last four characters (no region, no birth-date)")


def _shows_id_number(text: str) -> bool:
    compact = re.sub(r"\s", "", text)
    if _FULL_ID.fullmatch(compact):
        return True
    # A printed certificate is handed around: it carries the public mask only (docs/privacy.md).
    return len(compact) > 4 and any(c.isalnum() for c in compact[:-4])


def format_hours(hours: float) -> str:
    """126.0 → "126", 126.5 → "126.5", 12.25 → "12.25" (never scientific notation, never "126.0")."""
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _date_zh(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _date_en(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1]} {d.year}"


def qr_code(verify_url: str) -> segno.QRCode:
    """The QR symbol printed on the certificate (always a full QR code, error level M, no boost)."""
    return segno.make(verify_url, error=QR_ERROR.lower(), micro=False, boost_error=False)


# --- the page -----------------------------------------------------------------------------------------------


def render_certificate_pdf(
    record: CertificateRecord, verify_url: str, *, revoked: bool = False, cjk_font_path: str | None = None
) -> bytes:
    """Render the certificate as PDF bytes. The same arguments always give the same bytes.

    ``revoked=True`` prints a large diagonal "已撤销 REVOKED" mark across the page and a banner (the record's
    ``status_note`` when it has one); a revoked certificate should still be printable so that a bureau can see
    what was revoked.
    """
    if not verify_url or any(ch.isspace() for ch in verify_url):
        raise ValueError("verify_url must be a non-empty URL without spaces")
    with use_cjk_font(cjk_font_path):
        return _render(record, verify_url, revoked)


def _render(record: CertificateRecord, verify_url: str, revoked: bool) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=PAGE_SIZE, invariant=1, pageCompression=1, lang="zh-CN")
    c.setTitle(f"培训合格证书 Training Certificate {record.number}")
    c.setAuthor(record.issuer_name)
    c.setSubject(record.course_title_zh)
    c.setCreator(CREATOR)
    c.setProducer(CREATOR)
    c.setKeywords(record.number)

    _frame(c)
    _header(c, record)
    _statement(c, record)
    _fields(c, record)
    _qr_panel(c, record, verify_url)
    _footer(c, verify_url)
    if revoked or record.status_note:
        _status_banner(c, record, revoked)
    if revoked:
        _revoked_mark(c)

    c.showPage()
    c.save()
    return buf.getvalue()


def _frame(c: canvas.Canvas) -> None:
    c.setStrokeColor(_NAVY)
    c.setLineWidth(1.6)
    c.rect(_MARGIN, _MARGIN, _W - 2 * _MARGIN, _H - 2 * _MARGIN)
    c.setLineWidth(0.5)
    inset = _MARGIN + 5
    c.rect(inset, inset, _W - 2 * inset, _H - 2 * inset)


def _header(c: canvas.Canvas, r: CertificateRecord) -> None:
    cx = _W / 2
    c.setFillColor(_MUTED)
    lines, size = fit(r.issuer_name, 11, 560, 1, 8)
    draw_centred(c, cx, _H - 66, lines[0], size)

    c.setFillColor(_NAVY)
    title = "培训合格证书"
    size, space = 30, 6
    width = pdfmetrics.stringWidth(title, current_cjk_font(), size) + space * (len(title) - 1)
    c.setFont(current_cjk_font(), size)
    c.drawString(cx - width / 2, _H - 106, title, charSpace=space)

    sub = "TRAINING CERTIFICATE"
    size, space = 11.5, 3.2
    width = pdfmetrics.stringWidth(sub, LATIN_FONT, size) + space * (len(sub) - 1)
    c.setFont(LATIN_FONT, size)
    c.drawString(cx - width / 2, _H - 126, sub, charSpace=space)

    c.setStrokeColor(_NAVY)
    c.setLineWidth(0.8)
    c.line(cx - 120, _H - 140, cx + 120, _H - 140)


def _statement(c: canvas.Canvas, r: CertificateRecord) -> None:
    x, width = 62.0, _W - 124.0
    hours = format_hours(r.hours)
    passed_zh = "经结业考核合格" if r.score is not None else "完成全部培训要求"
    passed_en = (
        "and passed the final assessment" if r.score is not None else "and met all course requirements"
    )
    course_zh = r.course_title_zh.strip()
    suffix = "" if course_zh.endswith("培训") else "培训"
    zh = (
        f"兹证明 {r.holder_name} 于 {_date_zh(r.started_on)} 至 {_date_zh(r.completed_on)} 参加"
        f"「{course_zh}」{suffix}，完成 {hours} 学时，{passed_zh}，特发此证。"
    )
    title_en = r.course_title_en.strip() or r.course_title_zh
    en = (
        f"This is to certify that {r.holder_name} attended the training course \u201c{title_en}\u201d from "
        f"{_date_en(r.started_on)} to {_date_en(r.completed_on)}, completed {hours} study hours {passed_en}."
    )
    c.setFillColor(_INK)
    y = _H - 172
    zh_lines, zh_size = fit(zh, 13, width, 2, 10.5)
    for line in zh_lines:
        draw_text(c, x, y, line, zh_size)
        y -= zh_size + 6
    c.setFillColor(_MUTED)
    y -= 1
    en_lines, en_size = fit(en, 9.5, width, 2, 8, latin="Helvetica-Oblique")
    for line in en_lines:
        draw_text(c, x, y, line, en_size, latin="Helvetica-Oblique")
        y -= en_size + 4


def _label(c: canvas.Canvas, x: float, y: float, zh: str, en: str) -> None:
    c.setFillColor(_MUTED)
    draw_text(c, x, y, zh, 9.5)
    draw_text(c, x, y - 10, en, 7)


def _fields(c: canvas.Canvas, r: CertificateRecord) -> None:
    left, label_w = 62.0, 104.0
    right_edge = QR_BOX[0] - 26
    col2 = 352.0  # second pair on a row
    value_w_full = right_edge - left - label_w
    value_w_half = col2 - left - label_w - 12
    row_h = 38.0
    y = _H - 262.0

    c.setStrokeColor(_RULE)
    c.setLineWidth(0.4)

    def rule(at: float) -> None:
        c.line(left, at, right_edge, at)

    def value(x: float, yy: float, text: str, width: float, size: float = 11, lines: int = 1) -> None:
        c.setFillColor(_INK)
        fitted, fsize = fit(text, size, width, lines, 7.5)
        for i, line in enumerate(fitted):
            draw_text(c, x, yy - i * (fsize + 2), line, fsize)

    rule(y + 16)
    # 1. name and masked ID
    _label(c, left, y, "姓名", "Name")
    value(left + label_w, y - 3, r.holder_name, value_w_half, 12.5)
    _label(c, col2, y, "身份证件号码", "ID number (masked)")
    value(col2 + label_w, y - 3, r.holder_id_masked or "—", value_w_half)
    y -= row_h
    rule(y + 16)
    # 2. course, Chinese and English titles
    _label(c, left, y, "培训项目", "Course")
    value(left + label_w, y, r.course_title_zh, value_w_full, 11)
    if r.course_title_en.strip():
        c.setFillColor(_MUTED)
        fitted, fsize = fit(r.course_title_en, 9, value_w_full, 1, 7)
        draw_text(c, left + label_w, y - 12, fitted[0], fsize)
    y -= row_h
    rule(y + 16)
    # 3. period and version
    _label(c, left, y, "培训起止日期", "Training period")
    value(left + label_w, y, f"{_date_zh(r.started_on)} 至 {_date_zh(r.completed_on)}", value_w_half, 10.5)
    c.setFillColor(_MUTED)
    draw_text(c, left + label_w, y - 12, f"{_date_en(r.started_on)} – {_date_en(r.completed_on)}", 8)
    _label(c, col2, y, "课程版本", "Course version")
    value(col2 + label_w, y - 3, r.course_version or "—", value_w_half, 10)
    y -= row_h
    rule(y + 16)
    # 4. hours and score
    hours = format_hours(r.hours)
    _label(c, left, y, "学时", "Study hours")
    value(left + label_w, y - 3, f"{hours} 学时 / {hours} hours", value_w_half)
    _label(c, col2, y, "考核成绩", "Assessment score")
    score = f"{r.score} 分 / {r.score}%" if r.score is not None else "—"
    value(col2 + label_w, y - 3, score, value_w_half)
    y -= row_h
    rule(y + 16)
    # 5. skills
    _label(c, left, y, "技能", "Skills")
    if r.skills:
        sep = "、" if any(not latin_ok(ch) for s in r.skills for ch in s) else ", "
        value(left + label_w, y, sep.join(r.skills), value_w_full, 10, lines=2)
    else:
        value(left + label_w, y - 3, "—", value_w_full, 10)
    y -= row_h
    rule(y + 16)
    # 6. issuer and date of issue
    _label(c, left, y, "培训机构", "Training provider")
    value(left + label_w, y - 3, r.issuer_name, value_w_full - 150, 10.5)
    _label(c, right_edge - 140, y, "发证日期", "Date of issue")
    c.setFillColor(_INK)
    draw_text(c, right_edge - 140 + 50, y, _date_zh(r.issued_on), 10.5)
    c.setFillColor(_MUTED)
    draw_text(c, right_edge - 140 + 50, y - 12, _date_en(r.issued_on), 8)
    rule(y - 18)


def _qr_panel(c: canvas.Canvas, r: CertificateRecord, verify_url: str) -> None:
    qr = qr_code(verify_url)
    x0, y0, box = QR_BOX
    rows = [list(row) for row in qr.matrix]
    n = len(rows)
    module = box / (n + 2 * QR_QUIET_ZONE)
    c.setFillColorRGB(1, 1, 1)
    c.rect(x0, y0, box, box, stroke=0, fill=1)
    # One vector path: each horizontal run of dark modules is one rectangle (crisp at any zoom or printer).
    path = c.beginPath()
    for i, row in enumerate(rows):
        top = y0 + box - (QR_QUIET_ZONE + i) * module
        j = 0
        while j < n:
            if row[j]:
                k = j
                while k < n and row[k]:
                    k += 1
                path.rect(x0 + (QR_QUIET_ZONE + j) * module, top - module, (k - j) * module, module)
                j = k
            else:
                j += 1
    c.setFillColorRGB(0, 0, 0)
    c.drawPath(path, stroke=0, fill=1)
    c.linkURL(verify_url, (x0, y0, x0 + box, y0 + box), relative=0)

    cx = x0 + box / 2
    c.setFillColor(_MUTED)
    draw_centred(c, cx, y0 - 8, "证书编号 Certificate No.", 8)
    c.setFillColor(_INK)
    c.setFont(LATIN_BOLD, 12.5)
    c.drawCentredString(cx, y0 - 24, r.number)
    c.setFillColor(_MUTED)
    draw_centred(c, cx, y0 - 40, "扫码核验 / Scan to verify", 8)


def _footer(c: canvas.Canvas, verify_url: str) -> None:
    cx = _W / 2
    y = _MARGIN + 40
    c.setStrokeColor(_RULE)
    c.setLineWidth(0.4)
    c.line(62, y + 14, _W - 62, y + 14)
    c.setFillColor(_INK)
    line = f"扫码或访问 {verify_url} 核验 / Scan or visit {verify_url} to verify"
    lines, size = fit(line, 9, _W - 124, 1, 6.5)
    draw_centred(c, cx, y, lines[0], size)
    c.setFillColor(_MUTED)
    note = (
        "本证书为培训合格证书，证明持证人完成上述培训并考核合格；不是职业技能等级证书或职业资格证书。"
        " / It records completed training; it is not a vocational skill level or qualification certificate."
    )
    lines, size = fit(note, 7.5, _W - 124, 2, 6)
    for i, text in enumerate(lines):
        draw_centred(c, cx, y - 14 - i * (size + 3), text, size)


def _status_banner(c: canvas.Canvas, r: CertificateRecord, revoked: bool) -> None:
    text = (
        r.status_note
        or "本证书已撤销，以核验页面为准 / This certificate has been revoked; the verify page is authoritative"
    )
    colour = _REVOKED if revoked else _NAVY
    c.setFillColor(colour)
    lines, size = fit(text, 9, _W - 124, 1, 6.5)
    draw_centred(c, _W / 2, _H - 48, lines[0], size)


def _revoked_mark(c: canvas.Canvas) -> None:
    c.saveState()
    c.translate(_W / 2, _H / 2 - 10)
    c.rotate(28)
    c.setFillColor(_REVOKED, alpha=0.30)
    c.setStrokeColor(_REVOKED, alpha=0.55)
    c.setLineWidth(3)
    zh, en = "已撤销", "REVOKED"
    c.setFont(current_cjk_font(), 96)
    w_zh = pdfmetrics.stringWidth(zh, current_cjk_font(), 96) + 24 * 2
    c.drawString(-w_zh / 2, 8, zh, charSpace=24)
    c.setFont(LATIN_BOLD, 64)
    w_en = pdfmetrics.stringWidth(en, LATIN_BOLD, 64) + 10 * (len(en) - 1)
    c.drawString(-w_en / 2, -62, en, charSpace=10)
    half = max(w_zh, w_en) / 2 + 24
    c.roundRect(-half, -84, 2 * half, 196, 14, stroke=1, fill=0)
    c.restoreState()
