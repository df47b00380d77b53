"""What every template can use: the language switch, the logout form, the request id."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import Flask, current_app, g, get_flashed_messages, request, url_for
from flask.globals import _cv_request
from flask_babel import get_locale, get_translations
from flask_login import current_user
from jinja2.ext import _make_new_gettext, _make_new_ngettext
from markupsafe import Markup

from lms.accounts.viewer import Viewer
from lms.i18n import LANGUAGES, html_lang, localized, normalise_locale
from lms.memo import memoized
from lms.site.assets import follows_edits

CHINA = ZoneInfo("Asia/Shanghai")


def china_time(moment: datetime | None) -> str:
    """A stored UTC moment as hosts and trainers read it: China time, to the minute."""
    if moment is None:
        return ""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")


def quiz_text(text: str | None, question, version=None, inline: bool = False, fmt: str | None = None) -> Markup:
    """A question's text, option or feedback as HTML by its GIFT format (see render_quiz_text): ``fmt``, a part's
    own format (``[plain]`` in front of an option), else the question's; ``version`` (a CourseVersion, or the
    address prefix of a draft's images) resolves the course's images."""
    from lms.catalogue.rendering import render_quiz_text

    if not text:
        return Markup("")
    prefix = version if isinstance(version, str) else ""  # a draft's images: the editor's asset address
    if version is not None and not isinstance(version, str) and "../assets/" in text:  # most texts show no image
        # the address of an asset "x" of this version, less the "x": what every image of it starts with
        prefix = url_for("catalogue.asset", slug=version.course.slug, number=version.number, name="x")[:-1]
    return Markup(render_quiz_text(text, fmt or getattr(question, "format", "moodle"), prefix, inline))


def quiz_plain(text: str | None, question) -> str:
    """The same text without markup, for a menu option or an accessible name."""
    from lms.catalogue.rendering import plain_text, render_quiz_text

    if not text or getattr(question, "format", "moodle") == "plain":
        return text or ""
    return plain_text(render_quiz_text(text, question.format))


def N_(text: str) -> str:  # marks a message for extraction; translated per language below
    return text


#: The fixed words of the header, tab bar and footer (base.html), translated once per language instead of one
#: gettext call each on every page. The same messages as before, so the same translations.
_CHROME_TEXT = {
    "brand": N_("Host Academy"), "skip": N_("Skip to content"), "main": N_("Main"), "home": N_("Home"),
    "courses": N_("Courses"), "organisations": N_("Organisations"), "identity_reviews": N_("Identity reviews"),
    "self_check_switch": N_("Self-check switch"), "t_profile": N_("My T-profile"), "my_learning": N_("My learning"),
    "certificates": N_("Certificates"), "script_check": N_("Script check"), "wellbeing": N_("Wellbeing self-check"),
    "notifications": N_("Notifications"), "unread": N_("unread"), "my_account": N_("My account"),
    "log_out": N_("Log out"), "log_in": N_("Log in"), "register": N_("Register"),
    "check_certificate": N_("Check a certificate"), "sections": N_("Sections"), "learning": N_("Learning"),
    "me": N_("Me"), "footer": N_("Training in digital skills for live-streaming hosts."),
}  # fmt: skip
#: The header's links that take no arguments: the same for everyone, built once per application and script root.
_CHROME_ENDPOINTS = {
    "home": "site.home", "set_language": "site.set_language", "catalogue": "catalogue.index",
    "admin_organisations": "orgs.admin_organisations", "identity_reviews": "identity_reviews.index",
    "wellbeing_admin": "wellbeing.admin", "t_profile": "skills.profile", "learning": "learning.dashboard",
    "certificates": "certificates.mine", "script_check": "scriptcheck.check", "wellbeing": "wellbeing.index",
    "notifications": "notifications.index", "account": "accounts.account", "logout": "accounts.logout",
    "login": "accounts.login", "register": "accounts.register", "verify": "certificates.verify_form",
}  # fmt: skip


def _chrome_text(locale: str, translations) -> dict:
    found = _chrome_texts.get(locale)
    if found is None:
        # Markup, as Jinja's own gettext gives: the translators' text is shown as it is, like before.
        found = _chrome_texts[locale] = {k: Markup(translations.ugettext(v)) for k, v in _CHROME_TEXT.items()}
    return found


def _chrome_urls(app: Flask, script_root: str) -> dict:
    key = (id(app), script_root)
    found = _chrome_url_cache.get(key)
    if found is None:
        found = _chrome_url_cache[key] = {k: url_for(v) for k, v in _CHROME_ENDPOINTS.items()}
    return found


_chrome_texts: dict[str, dict] = {}
_chrome_url_cache: dict[tuple, dict] = {}


class _CsrfOnlyForm:
    """What the header's buttons (log out) need of a form: its hidden CSRF field, the same markup a ConfirmForm's
    ``hidden_tag()`` gives, without building a WTForms form on every page."""

    @staticmethod
    def hidden_tag() -> Markup:
        from flask_wtf.csrf import generate_csrf

        return Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">') % generate_csrf()


_NAV_FORM = _CsrfOnlyForm()


class Chrome(NamedTuple):
    """The logged-in header (base.html) as finished HTML: ``nav_head`` + the page's CSRF token + ``nav_tail`` is the
    main menu; ``tabs`` the phone's tab bar of a host."""

    nav_head: Markup
    nav_tail: Markup
    tabs: Markup
    is_host: bool


#: Where the logout form's CSRF token goes (the rest is the same for everyone alike). A raw "<" no escaped value
#: (an organisation's name) can contain: the split finds this place and no other.
_TOKEN = Markup("<@csrf-token@>")


def _tab_of(endpoint: str) -> str | None:
    """The tab bar's section of a page."""
    if endpoint == "site.home":
        return "home"
    if endpoint.startswith("catalogue."):
        return "courses"
    if endpoint.startswith(("learning.", "quizzes.")):
        return "learning"
    if endpoint.startswith(("accounts.", "certificates.mine", "notifications.", "skills.", "scriptcheck.")):
        return "me"
    return None


@memoized(512)
def _chrome(app_key: int, script_root: str, locale: str, is_admin: bool, org_links: tuple[tuple[str, str], ...],
            learner_links: bool, is_host: bool, unread: int, tab: str | None) -> Chrome:
    """Built once per process for each combination of what it shows (the arguments are the key: nothing else of
    the person is in it). ``app_key`` and ``script_root`` fix the links, ``locale`` the words."""
    app = current_app._get_current_object()
    macros = app.jinja_env.get_template("_chrome.html").module
    text, urls = _chrome_texts[locale], _chrome_urls(app, script_root)
    orgs = tuple((url_for("orgs.organisation", org_slug=slug), name) for slug, name in org_links)
    head, _, tail = str(macros.nav(text, urls, is_admin, orgs, learner_links, unread, _TOKEN)).partition(_TOKEN)
    tabs = Markup(macros.tabs(text, urls, unread, tab)) if is_host else Markup("")
    return Chrome(Markup(head), Markup(tail), tabs, is_host)


def logged_in_chrome(app: Flask, script_root: str, locale: str, translations) -> Chrome | None:
    """The header of the person logged in, None for a visitor: one lookup per page, no proxy reads in the
    template. The unread count is the viewer's (read with the account), see unread_for_header."""
    from lms.notifications.views import unread_for_header  # the site shell puts the features together

    viewer = current_user._get_current_object()
    if not viewer.is_authenticated:
        return None
    if not isinstance(viewer, Viewer):  # the ORM account login_user() was given in this request (pages redirect)
        from lms.accounts.views import load_user

        viewer = load_user(viewer.get_id())
        if viewer is None:
            return None
    _chrome_text(locale, translations)  # the words of this language are ready for _chrome
    is_host = viewer.is_host
    return _chrome(id(app), script_root, locale, viewer.is_site_admin, viewer.org_links,
                   viewer.shows_learner_links, is_host, unread_for_header(viewer),
                   _tab_of(request.endpoint or "") if is_host else None)  # fmt: skip


class Frame(NamedTuple):
    """base.html's fixed HTML (from _frame.html) in the pieces between the page's own values, in page order."""

    top: Markup  # then the CSRF token (meta tag)
    before_title: Markup  # then the page's title block
    after_title: Markup  # then its head block
    after_head: Markup  # then the CSRF token (language switch)
    before_path: Markup  # then the current path (the language switch's "next")
    after_path: Markup  # then the logged-in menu
    after_nav: Markup  # then the flashes
    before_content: Markup  # then the content block
    after_content: Markup  # then a host's tab bar
    end: Markup


#: The places in _frame.html where base.html puts the page's own values, in order; the split checks them.
_FRAME_PLACES = ("csrf", "title", "head", "csrf", "path", "nav", "flashes", "content", "tabs")
_FRAME_PLACE = re.compile(r"<@frame:(\w+)@>")
#: The static files every page links, by their name in _frame.html.
_FRAME_ASSETS = {"css": "css/site.css", "icon": "favicon.svg", "js": "js/confirm.js"}


def _frame_static_urls() -> dict[str, str]:
    return {name: url_for("static", filename=filename) for name, filename in _FRAME_ASSETS.items()}


def _make_frame(app: Flask, script_root: str, locale: str, variant: str) -> Frame:
    html = app.jinja_env.get_template("_frame.html").render(
        html_lang=html_lang(locale), nav_text=_chrome_texts[locale], nav_url=_chrome_urls(app, script_root),
        languages=LANGUAGES, current_locale=normalise_locale(locale), static_url=_frame_static_urls(), variant=variant)
    parts = _FRAME_PLACE.split(html)
    if tuple(parts[1::2]) != _FRAME_PLACES:  # a place lost or added in _frame.html: fail loudly, not show a wrong page
        raise RuntimeError(f"_frame.html has the places {parts[1::2]}, base.html fills {_FRAME_PLACES}")
    return Frame(*(Markup(part) for part in parts[0::2]))


@memoized(64)
def _frame(app_key: int, script_root: str, locale: str, variant: str) -> Frame:
    """Built once per process for each combination of what it shows (the arguments are the key; the static files'
    names are fixed for the process outside development). ``variant`` is "visitor", "member" or "host": the
    menu's and tab bar's places, the body's class."""
    return _make_frame(current_app._get_current_object(), script_root, locale, variant)


def page_frame(app: Flask, script_root: str, locale: str, translations, chrome: Chrome | None) -> Frame:
    """The fixed parts of this page's frame: the same for everyone of this language and kind of header."""
    _chrome_text(locale, translations)  # the words of this language are ready for _frame
    variant = "visitor" if chrome is None else "host" if chrome.is_host else "member"
    if follows_edits(app):  # development: an edited template or static file shows on the next page
        return _make_frame(app, script_root, locale, variant)
    return _frame(id(app), script_root, locale, variant)


def page_flashes() -> list:
    """``get_flashed_messages(with_categories=True)`` without its proxy reads and session pop when the session
    holds no flashes (almost every page)."""
    ctx = _cv_request.get()
    if ctx.flashes is None and "_flashes" not in ctx.session:  # .session marks it read, as the proxy did (Vary)
        ctx.flashes = []
        return ctx.flashes
    return get_flashed_messages(with_categories=True)


@memoized(16)
def _template_gettexts(translations) -> tuple:
    """Jinja's ``gettext`` and ``ngettext`` over one language's translations (kept by Flask-Babel for the process):
    made once per language, not per page."""
    return _make_new_gettext(translations.ugettext), _make_new_ngettext(translations.ungettext)


def init_app(app: Flask) -> None:
    from lms.bureau.wording import policy_summary
    from lms.certnumbers import format as format_number

    # Certificate numbers are stored bare; people read and type them in three groups of five.
    app.add_template_filter(format_number, "certificate_number")
    app.add_template_filter(china_time, "china_time")
    app.add_template_filter(localized, "localize")
    app.add_template_filter(policy_summary, "policy_summary")
    app.add_template_global(quiz_text, "quiz_text")
    app.add_template_global(quiz_plain, "quiz_plain")

    @app.context_processor
    def common():
        locale = str(get_locale() or "zh_CN")
        # Flask-Babel looks the translations up again for every string of a page (pages have 30 to 60); the
        # page's own lookup, once, does the same at a fraction of the cost. Jinja's i18n tags and ``_()`` resolve
        # these names from the context before the globals Flask-Babel installed.
        translations = get_translations()
        gettext, ngettext = _template_gettexts(translations)
        page = request._get_current_object()  # one proxy lookup, not one per attribute
        script_root = page.script_root
        return {
            "gettext": gettext,
            "ngettext": ngettext,
            "languages": LANGUAGES,
            "current_locale": locale,
            "html_lang": html_lang(locale),
            "request_id": g.get("request_id", "-"),
            "nav_form": _NAV_FORM,
            "nav_text": _chrome_text(locale, translations),
            "nav_url": _chrome_urls(app, script_root),
            "current_path": page.full_path if page.query_string else page.path,
            "logged_in_chrome": lambda: logged_in_chrome(app, script_root, locale, translations),
            "page_frame": lambda chrome: page_frame(app, script_root, locale, translations, chrome),
            "page_flashes": page_flashes,
        }
