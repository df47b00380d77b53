"""The transparency log's tables: its state and signed checkpoint, entries, stored tree nodes, and the witness
keys and cosignatures bureaus send. Format of entries and checkpoints: docs/transparency-log.md."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class LogState(Base):
    """One row per log: its size. Appends lock this row, so entries get gap-free indexes under concurrency."""

    __tablename__ = "log_state"
    cache_topic = "log"  # lms.cache: a change drops the shared cache of this topic

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(Integer, default=0)
    #: The latest signed checkpoint (C2SP tlog-checkpoint note).
    checkpoint: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LogEntry(Base):
    __tablename__ = "log_entries"

    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: The exact bytes that were hashed (leaf hash = SHA-256(0x00 ‖ data)); format in docs/transparency-log.md.
    data: Mapped[bytes] = mapped_column(LargeBinary)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class LogNode(Base):
    """A stored complete subtree hash: node (level, index) covers leaves [index·2^level, (index+1)·2^level)."""

    __tablename__ = "log_nodes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary)


class WitnessKey(Base):
    """A bureau's witness key (C2SP vkey, cosignature type 0x04): cosignatures made with it are accepted."""

    __tablename__ = "witness_keys"
    cache_topic = "witness"  # lms.cache: who a certificate page says witnessed the log

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    vkey: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Cosignature(Base):
    """A bureau's statement that it checked the log up to this size: a verified C2SP cosignature."""

    __tablename__ = "cosignatures"
    cache_topic = "witness"  # lms.cache: who a certificate page says witnessed the log

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id", ondelete="CASCADE"), index=True)
    witness_key_id: Mapped[int] = mapped_column(ForeignKey("witness_keys.id", ondelete="CASCADE"))
    tree_size: Mapped[int] = mapped_column(Integer, index=True)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[int] = mapped_column(BigInteger)
    line: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
