"""The daily cap on different ID numbers one bureau compares with one certificate's holder.

One file or API call already compares at most three (``services.MAX_ID_TRIES``); this cap holds over all of a
bureau's uploads, background checks and API calls in any 24 hours, so 30 API calls a minute cannot try the ~320
region codes of a holder whose birth date is known (docs/privacy.md). Only the keyed lookup hash of a tried number
is kept (never the number), and only for 24 hours.

Counting is atomic: each batch of a check first creates and then locks the (bureau, certificate) allowance rows it
needs — a row lock (``FOR UPDATE``, in certificate order) on PostgreSQL, the database's write lock on SQLite — and
reads the tries only then, so of two concurrent checks the second sees what the first recorded.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from lms.bureau.models import IdTry, IdTryAllowance
from lms.db import utcnow

WINDOW = timedelta(hours=24)


def _lock_allowances(conn: Connection, org_id: int, certificate_ids: list[int], now: datetime) -> None:
    # Only the site's own dialect is imported (the other one is ~0.7 MiB per worker for nothing).
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql as dialect
    else:
        from sqlalchemy.dialects import sqlite as dialect
    rows = [{"org_id": org_id, "certificate_id": cid, "touched_at": now} for cid in certificate_ids]
    conn.execute(dialect.insert(IdTryAllowance).values(rows).on_conflict_do_nothing())
    conn.execute(select(IdTryAllowance.certificate_id)
                 .where(IdTryAllowance.org_id == org_id, IdTryAllowance.certificate_id.in_(certificate_ids))
                 .order_by(IdTryAllowance.certificate_id).with_for_update())  # fmt: skip


def admit(session: Session, org_id: int, wanted: list[tuple[int, str]], cap: int,
          now: datetime | None = None) -> set[tuple[int, str]]:
    """Of ``wanted`` (certificate id, ID-number lookup hash) pairs in row order, those the bureau may compare now:
    a number compared in the last 24 hours again, or a new one while fewer than ``cap`` were.

    Decided and recorded in a short transaction on a connection of its own, committed at once: the locks do not
    wait for the rest of the check (a background check reports progress between batches, and SQLite has one
    writer), and a try counts even if the check fails afterwards. Only when ``session`` already holds SQLite's
    write lock (that connection would wait for it) is it done in ``session``, and committed with it."""
    if not wanted:
        return set()
    now = now or utcnow()
    writer = _sqlite_writer(session)
    if writer is not None:
        return _admit(writer, org_id, wanted, cap, now)
    with session.get_bind().connect() as conn, conn.begin():
        return _admit(conn, org_id, wanted, cap, now)


def _sqlite_writer(session: Session) -> Connection | None:
    if session.get_bind().dialect.name != "sqlite" or not session.in_transaction():
        return None
    conn = session.connection()
    return conn if conn.connection.dbapi_connection.in_transaction else None


def _admit(conn: Connection, org_id: int, wanted: list[tuple[int, str]], cap: int,
           now: datetime) -> set[tuple[int, str]]:
    certificate_ids = sorted({cid for cid, _digest in wanted})
    _lock_allowances(conn, org_id, certificate_ids, now)
    conn.execute(delete(IdTry).where(IdTry.org_id == org_id, IdTry.certificate_id.in_(certificate_ids),
                                     IdTry.tried_at <= now - WINDOW))  # fmt: skip
    live: dict[int, set[str]] = {cid: set() for cid in certificate_ids}
    for cid, digest in conn.execute(select(IdTry.certificate_id, IdTry.id_hash)
                                    .where(IdTry.org_id == org_id, IdTry.certificate_id.in_(certificate_ids))):
        live[cid].add(digest)
    admitted: set[tuple[int, str]] = set()
    new = []
    for cid, digest in wanted:
        if digest not in live[cid]:
            if len(live[cid]) >= cap:
                continue
            live[cid].add(digest)
            new.append({"org_id": org_id, "certificate_id": cid, "id_hash": digest, "tried_at": now})
        admitted.add((cid, digest))
    if new:
        conn.execute(insert(IdTry), new)
    return admitted
