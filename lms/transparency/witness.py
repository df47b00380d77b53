"""A witness of the transparency log: fetch the latest checkpoint, check its signature and that it is consistent
with the last one this witness saw, remember it, and raise the alarm if the log was rewritten.

Pure except for the injected ``fetch``, so a bureau can run it anywhere (``lms witness`` passes HTTP).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from lms.transparency import merkle, note
from lms.transparency.identity import log_vkeys_of

Fetch = Callable[[str], bytes]
STATE_FILE = "checkpoint"


class WitnessAlarm(Exception):
    """The log is not append-only: a checkpoint contradicts one this witness signed off earlier."""


class WitnessError(Exception):
    """The check could not be made (network, malformed data): not evidence of tampering by itself."""


@dataclass(frozen=True)
class WitnessResult:
    origin: str
    size: int
    previous_size: int | None
    checkpoint: str  # the signed note as fetched


def _base(checkpoint_url: str) -> str:
    parts = urlsplit(checkpoint_url)
    path = parts.path.rsplit("/log/checkpoint", 1)[0]
    return f"{parts.scheme}://{parts.netloc}{path}"


def _verifiers(fetch: Fetch, base: str, vkeys: list[str] | None) -> dict:
    if not vkeys:
        try:
            vkeys = log_vkeys_of(json.loads(fetch(base + "/.well-known/did.json")))
        except (ValueError, OSError) as exc:
            raise WitnessError(f"cannot read the log's keys from {base}/.well-known/did.json: {exc}") from exc
    if not vkeys:
        raise WitnessError("no log key: pass --key or publish it in the DID document")
    verifiers = {}
    for text in vkeys:
        key = note.parse_vkey(text)
        verifiers.setdefault(key.name, []).append(key)
    return verifiers


def witness(checkpoint_url: str, state_dir: Path, fetch: Fetch, vkeys: list[str] | None = None) -> WitnessResult:
    """One witnessing round. Raises WitnessAlarm if the log was rewritten, WitnessError if it cannot tell."""
    base = _base(checkpoint_url)
    try:
        signed = fetch(checkpoint_url).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise WitnessError(f"cannot fetch {checkpoint_url}: {exc}") from exc
    try:
        text, signers = note.open_note(signed, _verifiers(fetch, base, vkeys))
        current = note.Checkpoint.parse(text)
    except note.NoteError as exc:
        raise WitnessAlarm(f"the checkpoint's signature does not verify with the log key: {exc}") from exc
    if current.origin not in signers:
        raise WitnessAlarm(f"the checkpoint for {current.origin} is not signed by that log's own key")
    state_dir.mkdir(parents=True, exist_ok=True)
    stored_path = state_dir / STATE_FILE
    previous = None
    if stored_path.exists():
        previous = note.Checkpoint.parse(note.split_note(stored_path.read_text(encoding="utf-8"))[0])
        if previous.origin != current.origin:
            raise WitnessError(f"this state folder witnesses {previous.origin}, not {current.origin}")
        if current.size < previous.size:
            raise WitnessAlarm(f"the log shrank from {previous.size} to {current.size} entries")
        if current.size == previous.size and current.root_hash != previous.root_hash:
            raise WitnessAlarm(f"two different trees of size {current.size}: the log was rewritten")
        if current.size > previous.size and previous.size > 0:
            url = f"{base}/api/v1/log/consistency?first={previous.size}&second={current.size}"
            try:
                proof = [base64.b64decode(h) for h in json.loads(fetch(url))["proof"]]
            except (OSError, ValueError, KeyError) as exc:
                raise WitnessError(f"cannot fetch the consistency proof: {exc}") from exc
            if not merkle.verify_consistency(previous.size, current.size, previous.root_hash, current.root_hash, proof):
                raise WitnessAlarm(
                    f"the tree of size {current.size} does not extend the tree of size {previous.size} this witness "
                    "saw: entries were rewritten or removed"
                )
    # Only a checkpoint that passed every check replaces the stored one (written whole, then renamed).
    tmp = stored_path.with_suffix(".tmp")
    tmp.write_text(signed, encoding="utf-8")
    tmp.replace(stored_path)
    return WitnessResult(current.origin, current.size, previous.size if previous else None, signed)
