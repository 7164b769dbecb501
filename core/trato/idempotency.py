"""The claims of `Idempotency-Key`s sent with API POSTs (trato.api.idempotency says how they work).

A core table of its own module, below the API: the privacy tools purge a user's keys without importing the
web layer.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from .db import Base
from .fields.sqltypes import UTCDateTime

MAX_KEY = 255


class IdempotencyKey(Base):
    __tablename__ = "core_idempotency_key"
    __table_args__ = (UniqueConstraint("user_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("core_user.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None] = mapped_column(Integer)  # None until the answer is stored
    body: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str] | None] = mapped_column(JSON)
    claim: Mapped[str | None] = mapped_column(String(32))  # the token of the request holding the key
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # after this, a retry may take it over
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
