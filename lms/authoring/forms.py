"""Forms of the course editor. Choices that depend on the skills framework are filled in by the view."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import Form
from wtforms.fields import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)  # fmt: skip
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from lms.authoring import folder
from lms.authoring.folder import SLUG
from lms.catalogue.labels import AREA_LABELS, LEVEL_LABELS
from lms.security.forms import BaseForm

_required = DataRequired(message=_l("This field is required."))
_number = InputRequired(message=_l("This field is required."))
_ENGLISH = _l("Optional: where it is empty, the Chinese text is shown.")
_CODE = Regexp(SLUG, message=_l("Use 2 to 63 lowercase letters, digits and '-', starting with a letter or digit."))


def problems(form) -> str:
    """Every error of a submitted form at once, each after its field's label (for a form shown in a flash)."""
    return " ".join(f"{form[name].label.text}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
                    if name != "csrf_token")


def code_or_suggested(field, title: str, taken=()) -> str:
    """The code a person wrote, else one made from the title (see :func:`lms.authoring.folder.suggest_code`)."""
    return (field.data or "").strip().lower() or folder.suggest_code(title, taken)


def both(chinese, english) -> dict[str, str]:
    """A text in both languages from its two fields; an empty English one falls back to the Chinese."""
    zh = (chinese.data or "").strip()
    return {"zh-CN": zh, "en": (english.data or "").strip() or zh}


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


def area_choices():
    return choices(AREA_LABELS.items())


class NewCourseForm(BaseForm):
    slug = StringField(_l("Course code"), validators=[Optional(), Length(max=63), _CODE],
                       description=_l("Leave empty to make one from the title, or write your own: lowercase letters, "
                                      "digits and '-', e.g. returns-basics. It never changes."))
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=120)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=120)], description=_ENGLISH)
    area = SelectField(_l("Area"), choices=area_choices)
    skill = SelectField(_l("Main skill"))
    submit = SubmitField(_l("Create the draft"))


class ImportZipForm(BaseForm):
    archive = FileField(_l("Zip of a course folder"), validators=[FileRequired(_l("Choose a file."))])
    submit = SubmitField(_l("Import"))


class DetailsForm(BaseForm):
    #: The fingerprint of the file when the page was opened (folder.file_tag).
    base = HiddenField()
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=120)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=120)], description=_ENGLISH)
    summary_zh = TextAreaField(_l("Summary (Chinese)"), validators=[_required, Length(max=1000)])
    summary_en = TextAreaField(_l("Summary (English)"), validators=[Optional(), Length(max=1000)], description=_ENGLISH)
    area = SelectField(_l("Area"), choices=area_choices)
    vertical = SelectField(_l("Vertical track"), description=_l("Only for product-area courses about one category."))
    level = SelectField(_l("Level"), coerce=int, choices=lambda: choices(LEVEL_LABELS.items()))
    skills = CheckboxesField(_l("Skills"))
    estimated_minutes = IntegerField(_l("Estimated minutes"), validators=[_number, NumberRange(1, 10000)])
    required_minutes = IntegerField(_l("Verified study minutes for the certificate"),
                                    validators=[_number, NumberRange(0, 10000)])
    prerequisites = StringField(_l("Prerequisite course ids"), validators=[Length(max=500)],
                                description=_l("Separated by commas; leave empty for none."))
    certificate = BooleanField(_l("Completing it awards a certificate"))
    submit = SubmitField(_l("Save details"))


class NewLessonForm(BaseForm):
    slug = StringField(_l("Lesson code"), validators=[Optional(), Length(max=63), _CODE],
                       description=_l("Leave empty to make one from the title."))
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=120)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=120)], description=_ENGLISH)
    submit = SubmitField(_l("Add lesson"))


class LessonForm(BaseForm):
    #: The fingerprint of the file when the page was opened (folder.file_tag).
    base = HiddenField()
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=120)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=120)], description=_ENGLISH)
    estimated_minutes = IntegerField(_l("Estimated minutes"), validators=[_number, NumberRange(1, 600)])
    skills = CheckboxesField(_l("Skills"))
    body = TextAreaField(_l("Lesson text (Markdown)"), validators=[Length(max=200_000)],
                         render_kw={"rows": 24, "spellcheck": "false"})
    submit = SubmitField(_l("Save lesson"))


class QuizSettingsForm(BaseForm):
    quiz_id = StringField(_l("Quiz code"), validators=[Optional(), Length(max=63)],
                          description=_l("Lowercase letters, digits and '-'."))
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=120)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=120)], description=_ENGLISH)
    pass_mark = IntegerField(_l("Pass mark (%)"), default=60, validators=[_number, NumberRange(0, 100)])
    draw = TextAreaField(_l("Questions drawn per attempt"), validators=[Length(max=2000)], render_kw={"rows": 3},
                         description=_l("One pool per line as category: count, e.g. ads: 5. Or one number: that many from "
                                         "all the questions. Empty: every question."))
    time_limit_minutes = IntegerField(_l("Time limit in minutes (0 = none)"), default=0,
                                      validators=[_number, NumberRange(0, 600)])
    attempts = IntegerField(_l("Attempts (0 = unlimited)"), default=3, validators=[_number, NumberRange(0, 100)])
    cooldown_minutes = IntegerField(_l("Minutes to wait between attempts"), default=0,
                                    validators=[_number, NumberRange(0, 10080)])
    feedback = SelectField(_l("Feedback and correct answers"), choices=choices([
        ("immediate", _l("Right after each answer")), ("after_submit", _l("After submitting the attempt")),
        ("never", _l("Never"))]), default="after_submit")  # fmt: skip
    grade = SelectField(_l("Attempt that counts"), choices=choices([
        ("highest", _l("Highest")), ("last", _l("Last")), ("average", _l("Average"))]))  # fmt: skip
    required = BooleanField(_l("Must be passed for the certificate"), default=True)
    submit = SubmitField(_l("Save quiz settings"))


class NewQuizForm(BaseForm):
    quiz_id = StringField(_l("Quiz code"), validators=[Optional(), Length(max=63), _CODE],
                          description=_l("Leave empty to make one from the title."))
    title_zh = StringField(_l("Title (Chinese)"), validators=[_required, Length(max=120)])
    title_en = StringField(_l("Title (English)"), validators=[Optional(), Length(max=120)], description=_ENGLISH)
    pass_mark = IntegerField(_l("Pass mark (%)"), default=60, validators=[_number, NumberRange(0, 100)])
    submit = SubmitField(_l("Add quiz"))


class GiftForm(BaseForm):
    #: The fingerprint of the file when the page was opened (folder.file_tag).
    base = HiddenField()
    gift = TextAreaField(_l("Questions in GIFT"), validators=[Length(max=500_000)],
                         render_kw={"rows": 18, "spellcheck": "false"})
    upload = FileField(_l("Or upload a GIFT file"))
    mode = SelectField(_l("An uploaded file"), choices=choices([
        ("append", _l("is added after the questions above")), ("replace", _l("replaces every question"))]))  # fmt: skip
    submit = SubmitField(_l("Save questions"))


class AnswerRowForm(Form):
    text = StringField(_l("Answer"), validators=[Length(max=1000)])
    match = StringField(_l("Matches"), validators=[Length(max=1000)])
    percent = StringField(_l("Weight %"), validators=[Length(max=8)])
    feedback = StringField(_l("Feedback"), validators=[Length(max=1000)])


TEXT_FORMAT_CHOICES = [
    ("moodle", _l("Moodle auto-format: text with its line breaks, HTML allowed")),
    ("markdown", _l("Markdown: bold, lists, course images")), ("html", _l("HTML (cleaned like a lesson)")),
    ("plain", _l("Plain text: exactly as written, < and > too")),
]  # fmt: skip
QUESTION_KINDS = [
    ("multichoice", _l("Single choice")), ("multiresponse", _l("Multiple response")), ("truefalse", _l("True/false")),
    ("shortanswer", _l("Short answer")), ("numerical", _l("Numerical")), ("matching", _l("Matching")),
    ("ordering", _l("Ordering")), ("essay", _l("Essay (graded by a trainer)")),
    ("description", _l("Description (text only)")),
]  # fmt: skip


class QuestionForm(BaseForm):
    kind = SelectField(_l("Question type"), choices=choices(QUESTION_KINDS))
    category = StringField(_l("Pool ($CATEGORY)"), validators=[Length(max=60)])
    name = StringField(_l("Short name"), validators=[Length(max=60)])
    text = TextAreaField(_l("Question"), validators=[_required, Length(max=5000)], render_kw={"rows": 3})
    text_format = SelectField(_l("Text format"), choices=choices(TEXT_FORMAT_CHOICES), default="moodle",
                              description=_l("For the question, its answers and feedback. Markdown and HTML may show "
                                             "the course's images: ![description](../assets/name.png)."))  # fmt: skip
    correct = SelectField(_l("The statement is"), choices=choices([("", "—"), ("true", _l("True")), ("false", _l("False"))]))
    answers = FieldList(FormField(AnswerRowForm), min_entries=6, max_entries=12)
    general_feedback = TextAreaField(_l("General feedback: explain the answer and name its source"),
                                     validators=[Length(max=5000)], render_kw={"rows": 2})
    skill = SelectField(_l("Skill"))
    difficulty = SelectField(_l("Difficulty"), choices=choices([("1", _l("Easy")), ("2", _l("Medium")), ("3", _l("Hard"))]),
                             default="2")  # fmt: skip
    submit = SubmitField(_l("Add question"))


class AssetForm(BaseForm):
    image = FileField(_l("Image"), validators=[FileRequired(_l("Choose a file."))],
                      description=_l("PNG, JPEG, GIF, WebP or SVG, at most 2 MB."))
    submit = SubmitField(_l("Upload"))
