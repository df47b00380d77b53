"""A course zip may bring a course.yaml that parses but holds odd values (a title that is not a mapping, a draw
that is text, a pass mark that is a list). The checker lists them as problems; every editor page must still open,
so the trainer can fix them in the browser, never meet an error page."""

import io
import zipfile

from tests.web.test_authoring import BASE, login, people  # noqa: F401 - fixture
from tests.web.test_catalogue import example  # noqa: F401 - fixture

COURSE = """id: odd
title: {zh-CN: 怪, en: Odd}
summary: {zh-CN: 怪, en: Odd}
area: compliance
level: 1
skills: [compliance]
estimated_minutes: 10
required_minutes: 5
certificate: false
quizzes:
  - id: final
    title: %(title)s
    pass_mark: %(pass_mark)s
    draw: %(draw)s
    attempts: %(attempts)s
    feedback: %(feedback)s
"""
ODD = {"title": ["{zh-CN: 测, en: T}", "测", "null", "[1, 2]"], "pass_mark": ["60", "abc", "null", "[1]"],
       "draw": ["3", "abc", "null", "[1, 2]", "[{category: x}]", "{a: 1}", "-1", "true"],
       "attempts": ["3", "x", "null"], "feedback": ["immediate", "weird", "null", "[1]"]}  # fmt: skip
LESSON = "---\ntitle: {zh-CN: 一, en: One}\nestimated_minutes: 5\nskills: [compliance]\n---\n\n正文\n"


def archive(course_yaml: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("odd/course.yaml", course_yaml)
        z.writestr("odd/lessons/01-a.md", LESSON)
        z.writestr("odd/quizzes/final.gift", "::q:: 题 {T}\n")
    return out.getvalue()


def test_every_editor_page_opens_whatever_the_course_file_holds(app, people):  # noqa: F811
    trainer = login(app, "trainer@example.com")
    pages = ["", "quizzes/final", "quizzes/final/preview", "lessons/01-a.md", "changes"]
    failed, problems_shown = [], 0
    for key, values in ODD.items():
        for value in values:
            fields = {k: v[0] for k, v in ODD.items()} | {key: value}
            r = trainer.send(f"{BASE}/", {"action": "zip", "zip-archive": (io.BytesIO(archive(COURSE % fields)), "odd.zip")},
                             content_type="multipart/form-data")  # fmt: skip
            failed += [("import", key, value)] if r.status_code >= 500 else []
            for page in pages:
                response = trainer.get(f"{BASE}/odd/{page}")
                failed += [(page, key, value)] if response.status_code >= 500 else []
                problems_shown += page == "" and "problem" in response.get_data(as_text=True)
            trainer.send(f"{BASE}/odd/discard", {}, page=f"{BASE}/odd/")
    assert failed == []
    assert problems_shown >= 15  # the odd values are reported, not silently accepted
