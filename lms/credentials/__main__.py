"""The offline verifier without the web application: ``python -m lms.credentials CREDENTIAL.json --did did.json
[--status status.json] [--checkpoint checkpoint.txt] [--proof proof.txt] [--process process.json]``; exit 0 only when every check holds.

It imports only the pure modules (no Flask, no database), so a bureau can run it on its own machine.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from lms.credentials.verifier import verify_credential
from lms.bounds import CREDENTIAL_JSON, PROCESS_JSON, BadJSON, parse_json


class _Unreadable(Exception):
    pass


def _json(path: str | None, bounds: dict = CREDENTIAL_JSON):
    if path is None:
        return None
    try:
        return parse_json(Path(path).read_bytes(), **bounds)
    except (OSError, BadJSON) as exc:
        raise _Unreadable(f"{path}: not a readable JSON file: {exc}") from None


def _text(path: str | None):
    if path is None:
        return None
    try:
        return Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _Unreadable(f"{path}: not a readable text file: {exc}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m lms.credentials", description=__doc__.split("\n\n")[0])
    parser.add_argument("credential")
    parser.add_argument("--did", help="the issuer's did.json")
    parser.add_argument("--status", help="the status list credential")
    parser.add_argument("--checkpoint", help="a signed log checkpoint")
    parser.add_argument("--proof", help="the credential's tlog-proof")
    parser.add_argument("--process", help="a process record file (process.json): checks the sealed 培训过程记录")
    args = parser.parse_args(argv)
    try:
        documents = (_json(args.credential), _json(args.did), _json(args.status), _text(args.checkpoint),
                     _text(args.proof))  # fmt: skip
        process_export = _json(args.process, PROCESS_JSON)
    except _Unreadable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    report = verify_credential(*documents, process_export=process_export, now=datetime.now(timezone.utc))
    for check in report.checks:
        print(f"{ {True: 'ok  ', False: 'FAIL', None: 'skip'}[check.ok]} {check.check}: {check.detail}")
    complete = report.verified and all(c.ok is not None for c in report.checks)
    print("VERIFIED" if complete else "NOT VERIFIED")
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
