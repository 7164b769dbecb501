"""Counting what clients do, shared by every worker and node: failed sign-ins, API calls, failed API tokens.

A `Limit` allows `count` events per key (a limit's name and a subject: an
email, an address, a token) in a window of `seconds` that opens with the
key's first event and closes `seconds` later; the next event after that
opens a new one (looking at a key without counting opens none). It is either

- a **rate** (`lock=False`): past `count` in a window, the key is refused
  until the window ends (`Retry-After`); or
- a **lockout** (`lock=True`): the event that reaches `count` locks the key
  for `seconds` from then. Callers ask `locked()` before doing the work the
  lockout protects (checking a password or a token), and while locked they
  refuse without counting, so the lockout ends on time.

Counting is one statement per request whatever the number of keys: an
upsert of `core_throttle` (one row per key) in the database, written aside
from the request's transaction (bookkeeping.py), or one script call in
Redis when `redis_url` is set. Either way every web worker and node sees
the same counts, and concurrent requests never count past a limit unseen.
"""
from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple, Protocol

from flask import current_app
from sqlalchemy import BigInteger, Integer, String, bindparam, case, delete, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from . import bookkeeping, db
from .db import Base
from .settings import Settings

CACHE = "trato.throttle"
# Rows past their window and lock are removed by one process at most this often (seconds).
PURGE_EVERY = 600


@dataclass(frozen=True)
class Limit:
    """`count` events per `seconds`; a lockout (`lock`) refuses for `seconds` once reached."""

    name: str
    count: int
    seconds: int
    lock: bool = False


class Counts(NamedTuple):
    hits: int  # in the key's current window, this event included
    window_end: int  # epoch seconds
    locked_until: int  # epoch seconds; 0 or past when not locked


class Store(Protocol):
    def add(self, entries: Sequence[tuple[str, int, int]], now: int) -> dict[str, Counts]:
        """Add `amount` to each `(key, amount, seconds)`'s count in its current window; every key's counts after."""

    def locked_until(self, keys: Sequence[str]) -> int:
        """The latest lock end among `keys` (0 when none was ever locked)."""

    def lock(self, key: str, until: int) -> None: ...

    def clear(self, key: str) -> None: ...


def clock() -> int:
    """Now, in whole seconds since the epoch (tests replace it to move time)."""
    return int(time.time())


class ThrottleCounter(Base):
    """The count of one key in its current window, and its lock."""

    __tablename__ = "core_throttle"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger)
    window_end: Mapped[int] = mapped_column(BigInteger)
    hits: Mapped[int] = mapped_column(Integer)
    locked_until: Mapped[int] = mapped_column(BigInteger, default=0)


class DatabaseStore:
    """Counters in `core_throttle`: one upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) per request."""

    def __init__(self, dialect: str) -> None:
        table = ThrottleCounter.__table__
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        statement = insert(table).values(key=bindparam("key"), window_start=bindparam("now"),
                                         window_end=bindparam("end"), hits=bindparam("amount"), locked_until=0)
        new = statement.excluded  # its window_start is now
        open_ = table.c.window_end > new.window_start
        # Built once: every API call runs it (with several rows, as one statement: "insertmanyvalues").
        self.upsert = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
            "hits": case((open_, table.c.hits + new.hits), else_=new.hits),
            "window_start": case((open_, table.c.window_start), else_=new.window_start),
            "window_end": case((open_, table.c.window_end), else_=new.window_end),
        }).returning(table.c.key, table.c.hits, table.c.window_end, table.c.locked_until)
        self.next_purge = 0

    def add(self, entries: Sequence[tuple[str, int, int]], now: int) -> dict[str, Counts]:
        rows = bookkeeping.write(self.upsert, [
            {"key": key, "now": now, "end": now + seconds if amount else now, "amount": amount}
            for key, amount, seconds in entries])
        if now >= self.next_purge:
            self.next_purge = now + PURGE_EVERY
            bookkeeping.write(delete(ThrottleCounter).where(ThrottleCounter.window_end < now,
                                                            ThrottleCounter.locked_until < now))
        return {key: Counts(hits, end, locked_until) for key, hits, end, locked_until in rows}

    def locked_until(self, keys: Sequence[str]) -> int:
        found = db.session().scalar(select(func.max(ThrottleCounter.locked_until))
                                    .where(ThrottleCounter.key.in_(keys)))
        return int(found or 0)

    def lock(self, key: str, until: int) -> None:
        bookkeeping.write(update(ThrottleCounter).where(ThrottleCounter.key == key).values(locked_until=until))

    def clear(self, key: str) -> None:
        bookkeeping.write(delete(ThrottleCounter).where(ThrottleCounter.key == key))


# KEYS: the counters; ARGV: now, then amount and seconds per key. A hash per key: window end, hits, lock.
_ADD = """
local now = tonumber(ARGV[1])
local out = {}
for i, key in ipairs(KEYS) do
  local amount, seconds = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local held = redis.call('HMGET', key, 'e', 'h', 'l')
  local ends, hits = tonumber(held[1]), amount
  if ends and ends > now then
    hits = tonumber(held[2]) + amount
  elseif amount > 0 then
    ends = now + seconds
  else
    ends = now
  end
  local locked = tonumber(held[3]) or 0
  redis.call('HSET', key, 'e', ends, 'h', hits)
  redis.call('EXPIREAT', key, math.max(ends, locked) + 1)
  out[i] = {hits, ends, locked}
end
return out
"""


class RedisStore:
    """Counters in Redis hashes that expire with their window (and lock): one script call per request."""

    PREFIX = "trato:throttle:"

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url)
        self.script = self.redis.register_script(_ADD)

    def add(self, entries: Sequence[tuple[str, int, int]], now: int) -> dict[str, Counts]:
        args: list[int] = [now]
        for _key, amount, seconds in entries:
            args += [amount, seconds]
        found = self.script(keys=[self.PREFIX + key for key, _a, _s in entries], args=args)
        return {key: Counts(*(int(n) for n in counts)) for (key, _a, _s), counts in zip(entries, found)}

    def locked_until(self, keys: Sequence[str]) -> int:
        values = self.redis.pipeline(transaction=False)
        for key in keys:
            values.hget(self.PREFIX + key, "l")
        return max((int(v) for v in values.execute() if v is not None), default=0)

    def lock(self, key: str, until: int) -> None:
        with self.redis.pipeline() as both:
            both.hset(self.PREFIX + key, "l", until)
            both.expireat(self.PREFIX + key, until + 1, gt=True)
            both.execute()

    def clear(self, key: str) -> None:
        self.redis.delete(self.PREFIX + key)


def store() -> Store:
    """This app's store: Redis when `redis_url` is set, else the database."""
    extensions = current_app.extensions
    if CACHE not in extensions:
        state = extensions["trato"]
        url = state.settings.redis_url
        extensions[CACHE] = RedisStore(url) if url else DatabaseStore(state.engine.dialect.name)
    return extensions[CACHE]  # type: ignore[no-any-return]


def _key(limit: Limit, subject: str) -> str:
    return f"{limit.name}:{subject}"


def _left(seconds: int) -> timedelta | None:
    return timedelta(seconds=seconds) if seconds > 0 else None


def locked(checks: Sequence[tuple[Limit, str]]) -> timedelta | None:
    """How much longer the longest lock among these keys lasts; None when none is locked."""
    return _left(store().locked_until([_key(limit, subject) for limit, subject in checks]) - clock())


def hit(counted: Sequence[tuple[Limit, str]], watched: Sequence[tuple[Limit, str]] = ()) -> timedelta | None:
    """Count one event against each of `counted`, and look at the locks of `watched`, in one round trip.

    Returns how long the caller must refuse (the longest of what applies),
    or None: a key locked, a rate past its count (until its window ends),
    or a lockout's count reached by this event (which locks it from now).
    """
    now = clock()
    entries = {_key(limit, subject): (limit, 0) for limit, subject in watched}
    entries |= {_key(limit, subject): (limit, 1) for limit, subject in counted}
    counts = store().add([(key, amount, limit.seconds) for key, (limit, amount) in entries.items()], now)
    wait = 0
    for key, (limit, amount) in entries.items():
        hits, window_end, locked_until = counts[key]
        if locked_until > now:
            wait = max(wait, locked_until - now)
        elif limit.lock and amount and hits >= limit.count:
            store().lock(key, now + limit.seconds)
            wait = max(wait, limit.seconds)
        elif not limit.lock and hits > limit.count:
            wait = max(wait, window_end - now)
    return _left(wait)


def clear(limit: Limit, subject: str) -> None:
    """Forget the key's count and lock (a right password forgets the account's failures)."""
    store().clear(_key(limit, subject))


def login_limits(settings: Settings) -> tuple[Limit, Limit]:
    """Failed sign-ins per email (known or not, so the lockout tells nothing about who is a user) and per address."""
    span = settings.login_lockout_minutes * 60
    return (Limit("login.email", settings.login_max_failures, span, lock=True),
            Limit("login.ip", settings.login_max_failures_per_ip, span, lock=True))


def minutes(remaining: timedelta) -> int:
    """Whole minutes, rounded up, for the message shown to the person."""
    return max(1, -(-int(remaining.total_seconds()) // 60))

