"""``lms witness`` and ``lms witness-keygen``: a bureau witnesses the transparency log and cosigns its checkpoints."""

from __future__ import annotations

import sys
from pathlib import Path

import click


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

    from lms.transparency.witness import WitnessAlarm, WitnessError, witness

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

    from lms.transparency import note
    from lms.transparency.witness import _base

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

    from lms.transparency import note

    if out.exists():
        raise click.ClickException(f"{out} exists: refusing to overwrite a key")
    private = Ed25519PrivateKey.generate()
    out.write_bytes(private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                          serialization.NoEncryption()))  # fmt: skip
    out.chmod(0o600)
    click.echo(note.vkey(name, private.public_key(), note.ALG_COSIGNATURE_V1))
