"""The process record (培训过程记录) as an A4 PDF, in Chinese, for a host or a whole cohort. Pure.

ReportLab only, plus the certificate PDF's CJK font (``lms.certificates.textlayout.register_cjk_font``: the site's font
file embedded as a subset, else STSong-Light). Each host's record starts on a new page with a header: the holder
(the full 身份证号 only in the bureau's copy, masked otherwise), course, study policy, the seal (SHA-256, the
transparency-log entry's index, and whether it still holds); then tables of sign-ins, lesson sessions, minutes per
day, minutes per class hour, presence checks, identity checks and reviews, quiz attempts and the certificate.
The record dict is the one ``lms.evidence.process.build`` makes (see docs/study-hours.md).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from lms.certificates.textlayout import register_cjk_font

OUTCOMES = {"answered": "已作答", "missed": "超时未答", "wrong": "答错", "pending": "待作答"}
MOMENTS = {"start": "开课时", "random": "随机"}
IDENTITY = {"stored": "已留存照片待核", "matched": "比对一致", "mismatch": "比对不一致", "skipped": "未核验",
            "no_consent": "未同意采集（未留存任何照片）", "bad_image": "照片无法识别"}  # fmt: skip
FLAGS = {"periodic": "心跳过于规律（疑似脚本）", "no_scroll": "长课时从未滚动", "parallel": "多个课时同时学习",
         "not_host": "审核认定非本人学习", "identity_unmet": "政策要求身份核验，但主播未同意"}  # fmt: skip
REVIEWS = {"not_host": "审核认定：非本人"}
QUIZ_STATUS = {"finished": "已完成", "needs_grading": "待阅卷", "in_progress": "作答中"}
_NAVY = colors.HexColor("#1f3a5f")


@dataclass(frozen=True)
class HostPage:
    """One host's record and what the header says about it (computed by the caller, who knows who is reading)."""

    record: dict
    #: The 身份证号 as this reader may see it: full for the reviewing bureau, masked for everyone else, or "".
    id_number: str = ""
    #: The seal: SHA-256 of the record's canonical JSON and the index of its ``process`` log entry (None: no seal).
    sha256: str | None = None
    log_index: int | None = None
    #: Problems the seal check found (empty: unchanged since issue).
    problems: tuple[str, ...] = ()
    #: Reviewers' judgements of identity checks: (time, lesson, review code).
    reviews: tuple[tuple[str, str, str], ...] = ()
    #: Whether the study policy required by the bureau is met, and why not (None: the bureau requires nothing).
    required: tuple[bool, tuple[str, ...]] | None = None


def policy_text(policy: dict) -> str:
    """A study policy in one line of Chinese."""
    if not policy:
        return "默认"
    interval = policy.get("presence_interval_minutes") or 0
    checks = f"每{interval}分钟内随机在场确认（{policy.get('presence_answer_seconds', 60)}秒内作答）" if interval else "无在场确认"
    identity = "、".join(word for key, word in (("identity_at_start", "开课时"), ("identity_random", "随机"))
                         if policy.get(key)) or "不要求"  # fmt: skip
    return (f"1学时{policy.get('class_hour_minutes', 60)}分钟；每日最多计{policy.get('daily_max_minutes', 480)}分钟；"
            f"{checks}；身份核验：{identity}；证据保存{policy.get('retention_years', 5)}年")  # fmt: skip


def class_hour_rows(record: dict) -> list[list[str]]:
    """Minutes per class hour: for each whole class hour of the policy, the China day it was completed on."""
    minutes = (record.get("policy") or {}).get("class_hour_minutes") or 60
    rows, total, done = [], 0, 0
    for day in record.get("days", []):
        total += int(day["seconds"])
        while total >= (done + 1) * minutes * 60:
            done += 1
            rows.append([f"第{done}学时", day["day"], f"{minutes}", f"{total // 60}"])
    rest = total - done * minutes * 60
    if rest > 0:
        rows.append([f"第{done + 1}学时（未满）", "", f"{rest // 60}", f"{total // 60}"])
    return rows


def _time(value: str | None) -> str:
    """An ISO 8601 China time as 'YYYY-MM-DD HH:MM:SS'."""
    return value.replace("T", " ")[:19] if value else ""


class _Styles:
    def __init__(self, font: str) -> None:
        self.title = ParagraphStyle("title", fontName=font, fontSize=16, leading=22, textColor=_NAVY, spaceAfter=4)
        self.heading = ParagraphStyle("h", fontName=font, fontSize=11, leading=16, textColor=_NAVY, spaceBefore=8,
                                      spaceAfter=3)  # fmt: skip
        self.cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10.5, wordWrap="CJK")
        self.font = font


def _table(styles: _Styles, header: Sequence[str], rows: list[list], widths: Sequence[float]) -> Table:
    data = [[Paragraph(escape(str(text)), styles.cell) for text in header]]
    data += [[Paragraph(escape("" if text is None else str(text)), styles.cell) for text in row] for row in rows]
    if not rows:
        data.append([Paragraph("无", styles.cell)] + [""] * (len(header) - 1))
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#8a96a8")),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8edf4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _header(styles: _Styles, page: HostPage) -> list:
    r = page.record
    certificate = r.get("certificate")
    if page.sha256 is None:
        seal, state = "未封存：尚未发证，本记录按当前证据生成", "—"
    else:
        seal = f"SHA-256 {page.sha256}；透明日志第 {page.log_index} 条"
        state = "封存后未被改动" if not page.problems else "封存后已被改动：" + "；".join(page.problems)
    rows = [
        ["主播", r["host"]["name"]],
        ["身份证号", page.id_number or "—"],
        ["课程", f"{r['course']['title']}（第{r['course']['version']}版）"],
        ["学习政策", policy_text(r.get("policy") or {})],
        ["证书", f"{certificate['number']}，{_time(certificate['issued'])} 颁发" if certificate else "尚未发证"],
        ["封存", seal],
        ["封存核对", state],
    ]
    if r.get("supersedes"):
        rows.append(["更正", f"本证书更正并取代 {r['supersedes']}"])
    if page.required is not None:
        met, reasons = page.required
        rows.append(["主管部门要求的政策", "符合" if met else "不符合：" + "；".join(reasons)])
    table = _table(styles, ["项目", "内容"], rows, (32, 142))
    return [Paragraph("培训过程记录", styles.title), table]


def _host(styles: _Styles, page: HostPage) -> list:
    r = page.record
    flow = _header(styles, page)

    def section(title: str, header: Sequence[str], rows: list[list], widths: Sequence[float]) -> None:
        flow.extend([Paragraph(title, styles.heading), _table(styles, header, rows, widths)])

    section("登录记录", ["序号", "登录时间（北京时间）"], [[i + 1, _time(at)] for i, at in enumerate(r.get("sign_ins", []))],
            (20, 154))  # fmt: skip
    section("学习记录", ["课时", "开始", "结束", "心跳", "计入分钟", "标记"],
            [[s["lesson"], _time(s["start"]), _time(s["end"]), s["beats"], round(s["credited_seconds"] / 60, 1),
              "；".join(FLAGS.get(f, f) for f in s["flags"])] for s in r["sessions"]], (28, 32, 32, 14, 18, 50))  # fmt: skip
    section("每日学时", ["日期", "计入分钟", "学时"],
            [[d["day"], d["seconds"] // 60, d["class_hours"]] for d in r["days"]], (58, 58, 58))  # fmt: skip
    section("每学时分钟", ["学时", "达成日期", "本学时分钟", "累计分钟"], class_hour_rows(r), (44, 44, 43, 43))
    section("在场确认", ["课时", "方式", "出现", "作答", "结果", "扣除秒数"],
            [[c["lesson"], "点选数字" if c["kind"] == "tap" else "回答问题", _time(c["shown"]), _time(c["resolved"]),
              OUTCOMES.get(c["outcome"], c["outcome"]), c["withdrawn_seconds"]] for c in r["presence_checks"]],
            (28, 22, 34, 34, 30, 26))  # fmt: skip
    section("身份核验", ["课时", "时机", "时间", "方式", "结果"],
            [[i["lesson"], MOMENTS.get(i["moment"], i["moment"]), _time(i["time"]), i["provider"],
              IDENTITY.get(i["status"], i["status"])] for i in r.get("identity_checks", [])], (30, 22, 36, 26, 60))  # fmt: skip
    section("身份审核", ["核验时间", "课时", "审核结论"],
            [[_time(at), lesson, REVIEWS.get(code, code)] for at, lesson, code in page.reviews], (58, 58, 58))
    section("考核", ["测验", "次数", "开始", "提交", "状态", "分数"],
            [[a["quiz"], a["number"], _time(a["started"]), _time(a["submitted"]), QUIZ_STATUS.get(a["status"], a["status"]),
              a["score"] or ""] for a in r["quiz_attempts"]], (28, 14, 36, 36, 30, 30))  # fmt: skip
    return flow


def render_process_pdf(pages: Sequence[HostPage], *, title: str, cjk_font_path: str | None = None) -> bytes:
    """The PDF of one or more hosts' process records; the same arguments give the same bytes."""
    styles = _Styles(register_cjk_font(cjk_font_path))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=16 * mm, title=title, author="lms", creator="lms evidence",
                            invariant=1, lang="zh-CN")  # fmt: skip
    flow: list = []
    for i, page in enumerate(pages):
        if i:
            flow.append(PageBreak())
        flow.extend(_host(styles, page))
    if not flow:
        flow = [Paragraph(title, styles.title), Spacer(1, 6 * mm), Paragraph("没有可显示的过程记录。", styles.cell)]

    def footer(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(styles.font, 7.5)
        canvas.drawRightString(A4[0] - 18 * mm, 9 * mm, f"{title} · 第 {document.page} 页")
        canvas.restoreState()

    doc.build(flow, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
