"""The transparency log on the database: entries, stored tree nodes, the signed checkpoint.

Appends happen in the caller's transaction (the one that writes the certificate), after locking the log's state
row, so entries get gap-free indexes and no certificate exists without its entry, nor an entry without its
certificate, even when several workers issue at once.
"""

from __future__ import annotations

import base64

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from lms import cache
from lms.config import Config
from lms.transparency import merkle, note
from lms.transparency.identity import origin
from lms.transparency.models import LogEntry, LogNode, LogState
from lms.trust import keys

__all__ = ["DbNodeStore", "append", "b64", "checkpoint", "entries", "origin", "proof_text", "state"]

LOG_ID = 1


class DbNodeStore:
    """lms.transparency.merkle's NodeStore on the log_nodes table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, level: int, index: int) -> bytes | None:
        return self.session.scalar(select(LogNode.hash).where(LogNode.level == level, LogNode.index == index))

    def put(self, level: int, index: int, hash: bytes) -> None:
        existing = self.get(level, index)
        if existing is not None:
            if existing != hash:
                raise merkle.ConflictingNodeError(f"node ({level}, {index}) already holds another hash")
            return
        self.session.add(LogNode(level=level, index=index, hash=hash))
        self.session.flush()


def _locked_state(session: Session) -> LogState:
    state = session.scalar(select(LogState).where(LogState.id == LOG_ID).with_for_update())
    if state is None:
        try:
            with session.begin_nested():
                session.add(LogState(id=LOG_ID, size=0))
                session.flush()
        except IntegrityError:
            pass  # another worker created it first: lock theirs
        state = session.scalar(select(LogState).where(LogState.id == LOG_ID).with_for_update())
    assert state is not None
    return state


def append(session: Session, cfg: Config, data: bytes, certificate_id: int | None) -> int:
    """Append one entry and re-sign the checkpoint; returns the entry's index."""
    state = _locked_state(session)
    index = state.size
    session.add(LogEntry(index=index, data=data, certificate_id=certificate_id))
    store = DbNodeStore(session)
    size = merkle.append(store, index, merkle.leaf_hash(data))
    root_hash = merkle.root(store, size)
    record, private = keys.active_key(session, cfg, "log")
    checkpoint = note.Checkpoint(origin(cfg), size, root_hash, ()).format()
    signed = note.sign_note(checkpoint, origin(cfg), private)
    # A plain UPDATE: the row is locked above, so no other writer can have moved the size in between.
    session.execute(update(LogState).where(LogState.id == LOG_ID).values(size=size, checkpoint=signed))
    cache.changed(session, cache.LOG)  # the UPDATE above bypasses the unit of work that notices changed rows
    session.flush()
    return index


def state(session: Session) -> LogState | None:
    return session.get(LogState, LOG_ID)


def checkpoint(session: Session) -> str | None:
    """The latest signed checkpoint, or None while the log is empty."""
    current = state(session)
    return current.checkpoint if current else None


def proof_text(session: Session, index: int) -> str:
    """C2SP tlog-proof for entry ``index`` against the current checkpoint; the entry bytes ride in ``extra``."""
    current = state(session)
    entry = entries(session, index, index + 1)[0]
    hashes = merkle.inclusion_proof(DbNodeStore(session), entry.index, current.size)
    return note.format_proof(note.TlogProof(entry.index, tuple(hashes), current.checkpoint, extra=entry.data))


def entries(session: Session, start: int, end: int) -> list[LogEntry]:
    return list(session.scalars(
        select(LogEntry).where(LogEntry.index >= start, LogEntry.index < end).order_by(LogEntry.index)
    ))  # fmt: skip


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()
