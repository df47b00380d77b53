"""A shareable certificate picture (PNG, 1080×1440: the 3:4 portrait that 朋友圈 shows whole). Pure: a record and
the public check address in, PNG bytes out.

It carries what a public check page shows anyway: the name, course, study hours, date, number and a QR code of the
check page; never the identity card number. Chinese needs a CJK font file (Debian's fonts-wqy-microhei or Noto
CJK); :func:`lms.certificates.textlayout.find_cjk_font_file` finds one, and without one no picture is offered.
"""

from __future__ import annotations

import io

import segno
from PIL import Image, ImageDraw, ImageFont

from lms.certificates.pdf import CertificateRecord, format_hours

WIDTH, HEIGHT = 1080, 1440
RED, GOLD, INK, MUTED = (178, 34, 34), (191, 144, 0), (31, 35, 40), (87, 96, 106)


def _centred(draw: ImageDraw.ImageDraw, y: int, text: str, font, fill, max_width: int = WIDTH - 160) -> int:
    """Draw ``text`` centred, wrapped by character to ``max_width``; returns the y below it."""
    lines, line = [], ""
    for ch in text:
        if draw.textlength(line + ch, font=font) > max_width and line:
            lines.append(line)
            line = ch
        else:
            line += ch
    lines.append(line)
    for text_line in lines:
        width = draw.textlength(text_line, font=font)
        draw.text(((WIDTH - width) / 2, y), text_line, font=font, fill=fill)
        y += int(font.size * 1.35)
    return y


def render_certificate_png(record: CertificateRecord, verify_url: str, font_path: str) -> bytes:
    def font(size: int):
        return ImageFont.truetype(font_path, size)

    image = Image.new("RGB", (WIDTH, HEIGHT), (255, 252, 245))
    draw = ImageDraw.Draw(image)
    draw.rectangle((30, 30, WIDTH - 30, HEIGHT - 30), outline=RED, width=8)
    draw.rectangle((50, 50, WIDTH - 50, HEIGHT - 50), outline=GOLD, width=3)
    y = _centred(draw, 110, record.issuer_name, font(40), MUTED)
    y = _centred(draw, y + 30, "结业证书", font(96), RED)
    y = _centred(draw, y + 50, record.holder_name, font(72), INK)
    y = _centred(draw, y + 20, "完成了课程", font(36), MUTED)
    y = _centred(draw, y + 10, f"《{record.course_title_zh}》", font(48), INK)
    details = f"学习 {format_hours(record.hours)} 学时"
    if record.score is not None:
        details += f" · 考核 {record.score} 分"
    y = _centred(draw, y + 30, details, font(36), INK)
    y = _centred(draw, y + 10, f"{record.issued_on.year} 年 {record.issued_on.month} 月 {record.issued_on.day} 日颁发",
                 font(36), INK)  # fmt: skip
    qr = io.BytesIO()
    segno.make(verify_url, error="m").save(qr, kind="png", scale=8, border=2)
    code = Image.open(io.BytesIO(qr.getvalue())).convert("RGB").resize((300, 300), Image.NEAREST)
    image.paste(code, ((WIDTH - 300) // 2, HEIGHT - 520))
    _centred(draw, HEIGHT - 200, "扫码核验证书真伪", font(32), MUTED)
    _centred(draw, HEIGHT - 150, f"证书编号 {record.number}", font(32), MUTED)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
