"""Signing keys and the signed status list. The transparency log's tables are in lms.transparency.models."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from lms.db import Base, UTCDateTime, utcnow


class SigningKey(Base):
    """An Ed25519 key. The private half is stored only encrypted (AES-GCM under LMS_SIGNING_KEY_SECRET)."""

    __tablename__ = "signing_keys"
    cache_topic = "keys"  # lms.cache: a change drops the shared cache of this topic

    id: Mapped[int] = mapped_column(primary_key=True)
    #: "credential" signs credentials and the status list; "log" signs checkpoints.
    purpose: Mapped[str] = mapped_column(String(20), index=True)
    #: The Multikey public key (z6Mk…); the verification method is the DID + "#" + this.
    public_multibase: Mapped[str] = mapped_column(String(64), unique=True)
    private_ciphertext: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    #: Retired keys stay published so that what they signed keeps verifying; they sign nothing new.
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StatusList(Base):
    """The signed BitstringStatusListCredential, re-signed in the same transaction as every revocation."""

    __tablename__ = "status_lists"
    cache_topic = "status"  # lms.cache: a change drops the shared cache of this topic

    id: Mapped[int] = mapped_column(primary_key=True)
    #: How many indexes are handed out (the next certificate gets this one).
    allocated: Mapped[int] = mapped_column(Integer, default=0)
    credential: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
