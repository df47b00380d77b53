"""``lms keys rotate`` and ``lms verify``: key operations, and the offline verifier for bureaus.

The witness commands (``lms witness``, ``lms witness-keygen``) are in lms.transparency.cli."""

from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from lms.bounds import CREDENTIAL_JSON, BadJSON, parse_json


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


def _read_json(path: Path | None, what: str):
    if path is None:
        return None
    try:
        return parse_json(path.read_bytes(), **CREDENTIAL_JSON)
    except (OSError, BadJSON) as exc:
        raise click.ClickException(f"{path}: not a readable JSON {what}: {exc}") from None


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
def verify_command(file: Path, did_file: Path | None, status_file: Path | None, checkpoint_file: Path | None,
                   proof_file: Path | None) -> None:  # fmt: skip
    """Verify a credential fully offline from files; exit 0 only when every check holds."""
    from lms.credentials.verifier import verify_credential

    report = verify_credential(
        _read_json(file, "credential"), _read_json(did_file, "DID document"), _read_json(status_file, "status list"),
        checkpoint_file.read_text(encoding="utf-8") if checkpoint_file else None,
        proof_file.read_text(encoding="utf-8") if proof_file else None,
        now=datetime.now(timezone.utc),
    )  # fmt: skip
    for check in report.checks:
        mark = {True: "ok  ", False: "FAIL", None: "skip"}[check.ok]
        click.echo(f"{mark} {check.check}: {check.detail}")
    click.echo("VERIFIED" if report.verified else "NOT VERIFIED")
    sys.exit(0 if report.verified and all(c.ok is not None for c in report.checks) else 1)
