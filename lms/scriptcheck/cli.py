"""``lms script check FILE [--category C] [--org SLUG] [--json]`` and ``lms script rules check|index``.

The check reads the file, runs the shipped rules, prints the findings (or the same JSON as
``POST /api/v1/script/check``) and exits 1 when there is a violation. It needs no database unless ``--org`` asks
for an agency's own rules too (whoever runs the command on the server may use any agency's rules).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from lms.scriptcheck import checker, documents, laws, rules, validate


@click.group("script")
def script() -> None:
    """Live-script compliance checks (话术合规检查)."""


@script.command("check")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--category", type=click.Choice(list(rules.CATEGORIES)), default="general", show_default=True,
              help="Product category: which rules apply.")
@click.option("--org", "org_slug", default=None, metavar="SLUG",
              help="Also apply this agency's own rules (banned, approved and allowed words).")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (the API's format).")
def check_command(path: Path, category: str, org_slug: str | None, as_json: bool) -> None:
    """Check the script in PATH (.txt or .docx); exit 1 when it has a violation."""
    try:
        text = documents.read_upload(path.name, path.read_bytes())
    except documents.DocumentError as exc:
        raise click.ClickException(f"{path}: {exc}") from None
    if len(text) > checker.MAX_CHARS:
        raise click.ClickException(f"{path}: {len(text)} characters; at most {checker.MAX_CHARS} can be checked")
    if org_slug:
        report, agencies = _check(text, category, org_slug)
    else:
        report, agencies = checker.default_checker().check(text, category), []
    data = {**checker.report_dict(report), "rules": {"shipped": True, "organisations": agencies}}
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for f in data["findings"] + data["missing"]:
            where = f"{path}:{f['line']}:{f['start'] + 1}" if f["line"] else f"{path}"
            law = f"{f['law']}{f['article']}: " if f["law"] else ""  # an agency's own rule cites no law
            click.echo(f"{where}: {f['severity']}: [{f['category']}] {f['text']} — {law}{f['explanation']}")
            for suggestion in f["suggestions"]:
                click.echo(f"    可以这样说: {suggestion}")
        click.echo(f"checked: {', '.join(data['checked'])}; {len(data['findings'])} findings")
    sys.exit(1 if report.has_violation else 0)


def _check(text: str, category: str, org_slug: str) -> tuple[checker.Report, list[str]]:
    """The check with an agency's rules: loads the site (for its database) only when they are asked for."""
    from flask.cli import ScriptInfo

    from lms.db import get_session
    from lms.errors import NotFound
    from lms.scriptcheck import services

    app = click.get_current_context().ensure_object(ScriptInfo).load_app()
    with app.app_context():
        session = get_session()
        try:
            org = services.agency_by_slug(session, org_slug)
        except NotFound:
            raise click.ClickException(f"there is no agency {org_slug!r}") from None
        return services.check_with_agencies(session, text, category, [org]), [org.name]


@script.group("rules")
def rules_group() -> None:
    """The rule file."""


def _laws_dir(option: Path | None) -> Path | None:
    return option if option is not None else validate.default_laws_dir()


@rules_group.command("check")
@click.option("--laws", "laws_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of law texts (default: ../shared/domain/laws when present).")
def rules_check(laws_dir: Path | None) -> None:
    """Validate rules.yaml: law references resolve, every example is flagged, no exception example is."""
    try:
        ruleset = rules.load()
    except rules.RuleFileError as exc:
        for problem in exc.problems:
            click.echo(f"{rules.RULES_PATH.name}: {problem}", err=True)
        sys.exit(1)
    laws_dir = _laws_dir(laws_dir)
    problems = validate.check_rules(ruleset, laws.LawIndex.load(), laws_dir)
    for problem in problems:
        click.echo(f"{rules.RULES_PATH.name}: {problem}", err=True)
    against = f"the shipped index and {laws_dir}" if laws_dir else "the shipped index (law texts not found)"
    click.echo(f"{len(ruleset.rules)} rules checked against {against}: "
               + ("ok" if not problems else f"{len(problems)} problems"))
    sys.exit(1 if problems else 0)


@rules_group.command("index")
@click.option("--laws", "laws_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of law texts (default: ../shared/domain/laws).")
def rules_index(laws_dir: Path | None) -> None:
    """Regenerate law_index.json (titles and first sentences of the cited articles) from the law texts."""
    laws_dir = _laws_dir(laws_dir)
    if laws_dir is None:
        raise click.ClickException("no law texts: pass --laws FOLDER")
    ruleset = rules.load()
    cited = {(rule.law.name, rule.law.article) for rule in ruleset.rules}
    try:
        doc = laws.build_index(laws_dir, cited)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    laws.INDEX_PATH.write_text(json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    click.echo(f"{laws.INDEX_PATH.name}: {len(cited)} articles of {len(doc['laws'])} laws")
