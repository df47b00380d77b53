"""The course editor's pure parts: zip export/import safety, folder edits, the question builder."""

import io
import zipfile
from pathlib import Path

import pytest

from lms.authoring import folder
from lms.authoring.coursezip import MAX_FILES, ArchiveError, read_course_zip, write_course_zip
from lms.authoring.questions import AnswerRow, QuestionError, append_question, build_question, form_values
from lms.catalogue.loader import files_hash, folder_files
from lms.quizzes.gift import parse

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "example-course" / "first-live-room"
SKILLS = ROOT / "courses" / "skills.yaml"


def zip_of(entries: dict[str, bytes], **info) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries.items():
            archive.writestr(zipfile.ZipInfo(name, **info), data)
    return buffer.getvalue()


# --- zip ---------------------------------------------------------------------------------------------------------


def test_export_then_import_gives_the_same_files_and_hash():
    files = folder_files(EXAMPLE)
    data = write_course_zip("first-live-room", files)
    archive = read_course_zip(data)
    assert archive.folder == "first-live-room"
    assert archive.files == files
    assert files_hash(archive.files) == files_hash(files)
    assert write_course_zip("first-live-room", archive.files) == data  # reproducible bytes


def test_a_zip_of_the_folder_contents_without_the_folder_is_accepted():
    archive = read_course_zip(zip_of({"course.yaml": b"id: x\n", "lessons/01-a.md": b"---\n"}))
    assert archive.folder is None and set(archive.files) == {"course.yaml", "lessons/01-a.md"}


def test_finder_and_explorer_litter_is_ignored():
    archive = read_course_zip(zip_of({"c/course.yaml": b"id: c\n", "__MACOSX/c/._course.yaml": b"x",
                                      "c/.DS_Store": b"x"}))  # fmt: skip
    assert archive.files == {"course.yaml": b"id: c\n"}


@pytest.mark.parametrize("name, words", [
    ("../evil.txt", "leaves the course folder"),
    ("course/../../etc/passwd", "leaves the course folder"),
    ("/etc/passwd", "absolute path"),
    ("C:/Windows/win.ini", "absolute path"),
    ("course\\..\\evil", "backslashes"),
])  # fmt: skip
def test_path_traversal_is_refused_naming_the_entry(name, words):
    with pytest.raises(ArchiveError) as caught:
        read_course_zip(zip_of({"course/course.yaml": b"id: course\n", name: b"x"}))
    assert words in str(caught.value) and caught.value.entry == name


def test_symbolic_links_are_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        link = zipfile.ZipInfo("course/lessons/01-a.md")
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    with pytest.raises(ArchiveError, match="symbolic links"):
        read_course_zip(buffer.getvalue())


def test_oversize_archives_and_zip_bombs_are_refused(monkeypatch):
    with pytest.raises(ArchiveError, match="larger than 20 MB"):
        read_course_zip(b"PK" + b"\0" * (20 * 1024 * 1024))
    from lms.authoring import coursezip

    monkeypatch.setattr(coursezip, "MAX_TOTAL_BYTES", 1000)
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("c/assets/big.png", b"\0" * 100_000)  # compresses to a few hundred bytes
    assert len(bomb.getvalue()) < 1000
    with pytest.raises(ArchiveError, match="more than 0 MB unpacked"):
        read_course_zip(bomb.getvalue())


def test_too_many_files_and_not_a_zip():
    with pytest.raises(ArchiveError, match=f"at most {MAX_FILES}"):
        read_course_zip(zip_of({f"c/assets/{i}.png": b"x" for i in range(MAX_FILES + 1)}))
    with pytest.raises(ArchiveError, match="not a zip archive"):
        read_course_zip(b"this is text")
    with pytest.raises(ArchiveError, match="no files"):
        read_course_zip(zip_of({}))


# --- folder edits ------------------------------------------------------------------------------------------------


def test_a_new_course_skeleton_passes_the_checker():
    files = folder.skeleton("new-course", "新课", "New course", "compliance", "compliance")
    spec, problems = folder.check("new-course", files, SKILLS, set())
    assert problems == [] and spec.title == {"zh-CN": "新课", "en": "New course"}
    assert [lesson.slug for lesson in spec.lessons] == ["intro"]


def test_problems_name_the_file_and_line_of_the_draft():
    files = folder.skeleton("c1", "课", "Course", "compliance", "compliance")
    files["lessons/01-intro.md"] = files["lessons/01-intro.md"].replace(b"compliance", b"no-such-skill")
    files["course.yaml"] = files["course.yaml"].replace(b"level: 1", b"level: 9")
    _spec, problems = folder.check("c1", files, SKILLS, set())
    where = {(p.path, p.line) for p in problems}
    assert ("c1/course.yaml", 10) in where
    assert any(p.path == "c1/lessons/01-intro.md" and "no-such-skill" in p.message for p in problems)
    grouped = folder.problems_by_file("c1", problems)
    assert set(grouped) == {"course.yaml", "lessons/01-intro.md"}


def test_moving_a_lesson_renumbers_files_and_rewrites_links():
    files = folder_files(EXAMPLE)
    first, second = "lessons/01-before-you-start.md", "lessons/02-words-to-avoid.md"
    files[second] = files[second] + b"\n[back](01-before-you-start.md#top)\n"
    moved = folder.move_lesson(files, second, -1)
    assert "lessons/01-words-to-avoid.md" in moved and "lessons/02-before-you-start.md" in moved
    assert first not in moved
    assert b"(02-before-you-start.md#top)" in moved["lessons/01-words-to-avoid.md"]
    assert folder.move_lesson(moved, "lessons/01-words-to-avoid.md", -1) == moved  # already first
    _spec, problems = folder.check("first-live-room", moved, SKILLS, set())
    assert problems == []


def test_deleting_a_lesson_closes_the_gap_and_keeps_one():
    files = folder_files(EXAMPLE)
    left = folder.delete_lesson(files, "lessons/01-before-you-start.md")
    assert [lesson.path for lesson in folder.lessons(left)] == ["lessons/01-words-to-avoid.md"]
    with pytest.raises(folder.FolderError, match="at least one lesson"):
        folder.delete_lesson(left, "lessons/01-words-to-avoid.md")


def test_lesson_front_matter_round_trip():
    files = folder_files(EXAMPLE)
    front, body = folder.split_lesson(files["lessons/01-before-you-start.md"])
    assert front["title"]["zh-CN"] and body.strip()
    again = folder.split_lesson(folder.lesson_bytes(front, body))
    assert again[0] == front and again[1].strip() == body.strip()


def test_quiz_entries_are_added_replaced_and_removed():
    files = folder.skeleton("c2", "课", "Course", "compliance", "compliance")
    files = folder.set_quiz(files, "final", {"title": {"zh-CN": "测验", "en": "Quiz"}, "pass_mark": 60})
    assert files["quizzes/final.gift"] == b"" and folder.quiz_entries(files)[0]["pass_mark"] == 60
    files = folder.set_quiz(files, "final", {"title": {"zh-CN": "测验", "en": "Quiz"}, "pass_mark": 80})
    assert [e["pass_mark"] for e in folder.quiz_entries(files)] == [80]
    files = folder.delete_quiz(files, "final")
    assert folder.quiz_entries(files) == [] and "quizzes/final.gift" not in files


def test_diff_shows_changed_added_and_removed_files():
    old = {"course.yaml": b"a\nb\n", "assets/x.png": b"\x89PNG", "lessons/01-a.md": b"x\n"}
    new = {"course.yaml": b"a\nc\n", "assets/x.png": b"\x89PNG2", "lessons/02-b.md": b"y\n"}
    changes = {c.path: c for c in folder.diff(old, new)}
    assert changes["course.yaml"].status == "changed" and "-b" in changes["course.yaml"].lines
    assert "+c" in changes["course.yaml"].lines
    assert changes["assets/x.png"].binary and changes["lessons/01-a.md"].status == "removed"
    assert changes["lessons/02-b.md"].status == "added"


@pytest.mark.parametrize("name, data, error", [
    ("a.exe", b"MZ", "Upload a PNG"),
    ("a.png", b"GIF89a....", "not the image type"),
    ("a.svg", b"<html><script>", "not the image type"),
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 3000, "larger than 2 MB"),
])  # fmt: skip
def test_uploaded_images_are_checked(name, data, error):
    with pytest.raises(folder.FolderError, match=error):
        folder.asset_name(name, data, 2000)


def test_uploaded_image_names_are_made_safe():
    assert folder.asset_name("../../直播 Room!.PNG", b"\x89PNG\r\n\x1a\n", 2000) == "zhibo-room.png"
    assert folder.asset_name("退货流程.png", b"\x89PNG\r\n\x1a\n", 2000) == "tuihuoliucheng.png"
    assert folder.asset_name("话术示意.png", b"\x89PNG\r\n\x1a\n", 2000) == "huashushiyi.png"
    assert folder.asset_name("shot.webp", b"RIFF\0\0\0\0WEBPVP8 ", 2000) == "shot.webp"


# --- the question editor -----------------------------------------------------------------------------------------


def test_an_uploaded_image_never_replaces_a_different_one_of_the_same_name():
    png, other = b"\x89PNG\r\n\x1a\n1", b"\x89PNG\r\n\x1a\n2"
    existing = {"assets/huashu.png": png}
    assert folder.asset_name("话术.png", png, 2000, existing) == "huashu.png"  # the same image: same name
    renamed = folder.asset_name("画术.png", other, 2000, existing)  # same sound, different image
    assert renamed.startswith("huashu-") and renamed.endswith(".png") and len(renamed) == len("huashu-12345678.png")
    assert folder.asset_name("！！.png", other, 2000) == "image.png"


def rows(*items):
    return [AnswerRow(*item) for item in items]


@pytest.mark.parametrize("kind, extra, check", [
    ("multichoice", {"rows": rows(("对", "", "100", "是的"), ("错", "", "", "不是"))},
     lambda q: [a.fraction for a in q.answers] == [1.0, 0.0] and q.answers[0].feedback == "是的"),
    ("multiresponse", {"rows": rows(("甲", "", "50"), ("乙", "", "50"), ("丙", "", "-100"))},
     lambda q: [a.fraction for a in q.answers] == [0.5, 0.5, -1.0]),
    ("truefalse", {"correct": "false"}, lambda q: q.correct is False),
    ("shortanswer", {"rows": rows(("七天",), ("7天",))}, lambda q: [a.text for a in q.answers] == ["七天", "7天"]),
    ("numerical", {"rows": rows(("7",), ("5..9", "", "50"))},
     lambda q: (q.numerical[0].value, q.numerical[1].value, q.numerical[1].tolerance, q.numerical[1].fraction)
     == (7, 7, 2, 0.5)),
    ("matching", {"rows": rows(("GMV", "成交总额"), ("UV", "访客数"), ("CVR", "转化率"))},
     lambda q: [(p.question, p.answer) for p in q.pairs][0] == ("GMV", "成交总额")),
    ("ordering", {"rows": rows(("确认收货日期", "", "", "先看日期"), ("检查商品", ""), ("", ""), ("办理退款", ""))},
     lambda q: [(a.text, a.fraction, a.feedback) for a in q.answers]
     == [("确认收货日期", 1.0, "先看日期"), ("检查商品", 1.0, None), ("办理退款", 1.0, None)]),
    ("essay", {}, lambda q: q.type == "essay"),
    ("description", {}, lambda q: q.type == "description"),
])  # fmt: skip
def test_every_question_type_round_trips_through_gift(kind, extra, check):
    general = "" if kind == "description" else "依据：《广告法》第九条。"
    question = build_question(kind=kind, text="题目：直播间里{这样说}对吗？", category="ads", skill="compliance",
                              difficulty="1", general_feedback=general, **extra)  # fmt: skip
    gift = append_question("", question)
    (parsed,) = parse(gift)
    assert parsed.type == kind and parsed.category == "ads" and check(parsed)
    assert parsed.text.startswith("题目：直播间里{这样说}对吗")  # braces escaped and restored
    if kind != "description":
        assert parsed.skills == ["compliance"] and parsed.difficulty == 1
        assert parsed.general_feedback == general


@pytest.mark.parametrize("kind, extra, field", [
    ("multichoice", {"rows": rows(("只有一个",))}, "answers-0-text"),
    ("multichoice", {"rows": rows(("a", "", "50"), ("b", "", "50"))}, "answers-0-percent"),
    ("multiresponse", {"rows": rows(("a", "", "20"), ("b", "", "20"))}, "answers-0-percent"),
    ("numerical", {"rows": rows(("七",))}, "answers-0-text"),
    ("matching", {"rows": rows(("a", "b"), ("c", ""))}, "answers-0-text"),
    ("truefalse", {}, "correct"),
    ("multichoice", {"rows": rows(("a", "", "abc"), ("b",))}, "answers-0-percent"),
    ("ordering", {"rows": rows(("一",), ("二",))}, "answers-0-text"),
    ("ordering", {"rows": rows(("一",), ("二",), ("", "三"))}, "answers-0-text"),
    ("ordering", {"rows": rows(("一",), ("二",), ("三", "", "50"))}, "answers-2-percent"),
    ("matching", {"rows": rows(("a", "b"), ("c", "d", "50"), ("e", "f"))}, "answers-1-percent"),
    ("matching", {"rows": rows(("a", "b"), ("c", "d"), ("e", "f", "", "为什么"))}, "answers-2-feedback"),
])  # fmt: skip
def test_incomplete_questions_name_the_field(kind, extra, field):
    with pytest.raises(QuestionError) as caught:
        build_question(kind=kind, text="题目", **extra)
    assert caught.value.field == field


def test_appending_keeps_the_pool_and_the_existing_questions():
    existing = "$CATEGORY: ads\n\n::q1:: 第一题 {T}\n"
    question = build_question(kind="truefalse", text="第二题", correct="true")
    gift = append_question(existing, question)
    assert gift.startswith(existing.rstrip("\n")) and gift.count("$CATEGORY") == 1
    assert [(q.name, q.category) for q in parse(gift)] == [("q1", "ads"), (None, "ads")]


def test_the_text_format_is_chosen_kept_and_checked():
    question = build_question(kind="multichoice", text="标签上的 **净含量** 在哪？", text_format="markdown",
                              rows=rows(("**右下角**", "", "100"), ("左上角",)))  # fmt: skip
    (parsed,) = parse(append_question("", question))
    assert parsed.format == "markdown" and parsed.answers[0].text == "**右下角**"
    assert form_values(parsed)["text_format"] == "markdown"  # editing a markdown question keeps it markdown
    with pytest.raises(QuestionError) as caught:
        build_question(kind="truefalse", text="题目", correct="true", text_format="rtf")
    assert caught.value.field == "text_format"
