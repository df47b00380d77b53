"""``lms keys rotate``, ``lms verify`` and ``lms verify-badge``: key operations, and the offline verifiers for
bureaus (our certificates; badges from other issuers)."""

from __future__ import annotations

import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext


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
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
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


@click.command("witness")
@click.argument("checkpoint_url")
@click.option("--state", "state_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder where this witness keeps the last checkpoint it accepted.")
@click.option("--key", "vkeys", multiple=True, help="The log's verifier key (vkey); default: read from did.json.")
@click.option("--cosign-key", "cosign_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Your witness private key (from lms witness-keygen): cosign the checkpoint once it checks out.")
@click.option("--name", "witness_name", help="Your witness name (as in your vkey); needed with --cosign-key.")
@click.option("--token", help="Your bureau's API token, to send the cosignature; needed with --cosign-key.")
def witness_command(checkpoint_url: str, state_dir: Path, vkeys: tuple[str, ...], cosign_key: Path | None,
                    witness_name: str | None, token: str | None) -> None:  # fmt: skip
    """Check the log's latest checkpoint against the last one seen; exit 2 with an ALARM if it was rewritten."""
    import urllib.request

    from lms.trust.witness import WitnessAlarm, WitnessError, witness

    def fetch(url: str) -> bytes:
        with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a URL the operator gave
            return response.read()

    try:
        result = witness(checkpoint_url, state_dir, fetch, list(vkeys) or None)
    except WitnessAlarm as exc:
        click.echo(f"ALARM: {exc}", err=True)
        sys.exit(2)
    except WitnessError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    since = f" (was {result.previous_size})" if result.previous_size is not None else " (first checkpoint seen)"
    click.echo(f"OK: {result.origin} is consistent at {result.size} entries{since}")
    if cosign_key is not None:
        _send_cosignature(checkpoint_url, result.checkpoint, cosign_key, witness_name, token)


def _send_cosignature(checkpoint_url: str, checkpoint: str, key_file: Path, name: str | None, token: str | None) -> None:
    import time
    import urllib.error
    import urllib.request

    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    from lms.certificates import note
    from lms.trust.witness import _base

    if not name or not token:
        raise click.ClickException("--cosign-key needs --name and --token")
    private = load_pem_private_key(key_file.read_bytes(), password=None)
    cosigned = note.cosign(checkpoint, name, private, int(time.time()))
    request = urllib.request.Request(
        _base(checkpoint_url) + "/api/v1/log/cosignatures", data=cosigned.encode("utf-8"), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain; charset=utf-8"},
    )  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            click.echo(f"cosigned: {response.read().decode()}")
    except urllib.error.HTTPError as exc:
        raise click.ClickException(f"the log refused the cosignature: {exc.read().decode(errors='replace')}") from None


@click.command("witness-keygen")
@click.option("--name", required=True, help="Your witness name, e.g. the bureau's domain: city-bureau.example.cn")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="Private key file to write")
def witness_keygen_command(name: str, out: Path) -> None:
    """Make a witness key pair: writes the private key (PEM, mode 600) and prints the vkey to register."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    from lms.certificates import note

    if out.exists():
        raise click.ClickException(f"{out} exists: refusing to overwrite a key")
    private = Ed25519PrivateKey.generate()
    out.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip
    out.chmod(0o600)
    click.echo(note.vkey(name, private.public_key(), note.ALG_COSIGNATURE_V1))
