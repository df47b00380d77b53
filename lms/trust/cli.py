"""``lms keys rotate``, ``lms verify`` and ``lms verify-badge``: key operations, and the offline verifiers for
bureaus (our certificates; badges from other issuers)."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.bounds import CREDENTIAL_JSON, PROCESS_JSON, BadJSON, parse_json


@click.group("keys")
def keys_group() -> None:
    """Signing keys."""


@keys_group.command("rotate")
@click.option("--purpose", type=click.Choice(["credential", "log"]), default="credential", show_default=True)
@with_appcontext
def rotate_command(purpose: str) -> None:
    """Add a new signing key and retire the current one; retired keys stay in /.well-known/did.json."""
    from lms.db import get_session
    from lms.trust import keys

    session = get_session()
    record = keys.rotate(session, current_app.config["LMS"], purpose)
    session.commit()
    click.echo(f"new {purpose} key: {keys.verification_method(current_app.config['LMS'], record)}")


def _read_json(path: Path | None, what: str, bounds: dict = CREDENTIAL_JSON):
    if path is None:
        return None
    try:
        return parse_json(path.read_bytes(), **bounds)
    except (OSError, BadJSON) as exc:
        raise click.ClickException(f"{path}: not a readable JSON {what}: {exc}") from None


def _echo_checks(checks) -> None:
    for check in checks:
        mark = {True: "ok  ", False: "FAIL", None: "skip"}[check.ok]
        click.echo(f"{mark} {check.check}: {check.detail}")


@click.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--did", "did_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer's did.json (its keys, current and retired, and the log's keys).")
@click.option("--status", "status_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The status list credential the credential names.")
@click.option("--checkpoint", "checkpoint_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A signed checkpoint of the log (/log/checkpoint).")
@click.option("--proof", "proof_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The credential's inclusion proof (/api/v1/certificates/NUMBER/proof).")
@click.option("--process", "process_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A process record file (the bureau's process.json of a cohort): checks the holder's sealed "
                   "培训过程记录 against the log.")  # fmt: skip
def verify_command(file: Path, did_file: Path | None, status_file: Path | None, checkpoint_file: Path | None,
                   proof_file: Path | None, process_file: Path | None) -> None:  # fmt: skip
    """Verify a credential fully offline from files; exit 0 only when every check holds."""
    from lms.credentials.verifier import verify_credential

    report = verify_credential(
        _read_json(file, "credential"), _read_json(did_file, "DID document"), _read_json(status_file, "status list"),
        checkpoint_file.read_text(encoding="utf-8") if checkpoint_file else None,
        proof_file.read_text(encoding="utf-8") if proof_file else None,
        process_export=_read_json(process_file, "process record file", PROCESS_JSON), now=datetime.now(timezone.utc),
    )  # fmt: skip
    _echo_checks(report.checks)
    click.echo("VERIFIED" if report.verified else "NOT VERIFIED")
    sys.exit(0 if report.verified and all(c.ok is not None for c in report.checks) else 1)


@click.command("verify-badge")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--did", "did_file", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The issuer's did.json, needed when the issuer is a did:web (never fetched).")
def verify_badge_command(file: Path, did_file: Path | None) -> None:
    """Check a badge from another issuer offline: JSON, JWT, or a baked PNG/SVG image.

    Exit 0: verified; 1: does not verify; 2: cannot be checked, or not a credential this can read."""
    from lms.credentials.badgefile import UnsupportedFormat, read_badge
    from lms.credentials.foreign import verify_badge

    try:
        badge = read_badge(file.read_bytes())
    except UnsupportedFormat as exc:
        click.echo(f"{file}: {exc}")
        sys.exit(2)
    report = verify_badge(badge, _read_json(did_file, "DID document"), now=datetime.now(timezone.utc))
    _echo_checks(report.checks)
    click.echo({"verified": "VERIFIED", "failed": "NOT VERIFIED"}.get(report.state, "CANNOT BE CHECKED") + ": "
               + report.summary)  # fmt: skip
    sys.exit({"verified": 0, "failed": 1}.get(report.state, 2))
