"""The IMAP door: read each mailbox's new messages and take them in, never losing or doubling one.

A mailbox remembers its folder's UIDVALIDITY and the last UID it took in.
Each poll asks for the UIDs above that one, fetches them one at a time
(BODY.PEEK: the folder is opened read-only, nothing is marked or moved on
the server) and moves `last_uid` on only once the message has committed.
A server that drops the connection mid-fetch leaves `last_uid` at the last
message taken and `last_error` saying what happened; the next poll goes on
from there. A message taken but whose UID was not yet recorded comes again
and is recognised by its Message-ID. When UIDVALIDITY changes (the folder
was rebuilt), the poll starts over from the first UID, by the same rule.
"""
from __future__ import annotations

import imaplib
import logging
import ssl
from dataclasses import dataclass

from sqlalchemy import select, update

from .. import db
from ..models import utcnow
from .intake import take
from .models import Mailbox
from .parse import NotAMessage

log = logging.getLogger("trato.mailin.imap")
TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class Poll:
    """What one poll of one mailbox did."""

    mailbox: str
    taken: int = 0
    duplicates: int = 0
    refused: int = 0
    error: str = ""


class ImapFailure(Exception):
    """The server answered NO or BAD, or something other than what was asked."""


def connect(box: Mailbox) -> imaplib.IMAP4:
    """A signed-in connection to the mailbox's server, its folder opened read-only."""
    if box.security == "ssl":
        conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(box.host, box.port, ssl_context=ssl.create_default_context(),
                                                timeout=TIMEOUT_SECONDS)
    else:
        conn = imaplib.IMAP4(box.host, box.port, timeout=TIMEOUT_SECONDS)
        if box.security == "starttls":
            conn.starttls(ssl.create_default_context())
    conn.login(box.username, box.password)
    kind, _data = conn.select(_quoted(box.folder), readonly=True)
    if kind != "OK":
        raise ImapFailure(f"folder {box.folder!r} cannot be opened")
    return conn


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _uidvalidity(conn: imaplib.IMAP4) -> int:
    """The folder's UIDVALIDITY, which SELECT reported (RFC 3501 requires it)."""
    _kind, data = conn.response("UIDVALIDITY")
    for item in data:
        if item:
            return int(item)
    raise ImapFailure("the server gave no UIDVALIDITY")


def new_uids(conn: imaplib.IMAP4, after: int) -> list[int]:
    kind, data = conn.uid("SEARCH", f"UID {after + 1}:*")
    if kind != "OK":
        raise ImapFailure(f"UID SEARCH answered {kind}")
    return sorted(u for u in (int(x) for x in (data[0] or b"").split()) if u > after)  # n:* always names one


def fetch(conn: imaplib.IMAP4, uid: int) -> bytes | None:
    """The message with that UID as the server keeps it; None when it is gone (expunged meanwhile)."""
    kind, data = conn.uid("FETCH", str(uid), "(BODY.PEEK[])")
    if kind != "OK":
        raise ImapFailure(f"UID FETCH {uid} answered {kind}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    return None


def _advance(box_id: int, uid: int) -> None:
    session = db.session()
    session.execute(update(Mailbox).where(Mailbox.id == box_id, Mailbox.last_uid < uid).values(last_uid=uid))
    session.commit()


def _finish(box_id: int, error: str) -> None:
    session = db.session()
    session.execute(update(Mailbox).where(Mailbox.id == box_id).values(polled_at=utcnow(), last_error=error[:2000]))
    session.commit()


def poll(box_id: int) -> Poll:
    """Take in the new messages of one mailbox; what was done, with the error that stopped it if one did."""
    session = db.session()
    box = session.get(Mailbox, box_id)
    if box is None or not box.host:
        return Poll(box.name if box else str(box_id), error="no IMAP server")
    name, taken, duplicates, refused = box.name, 0, 0, 0
    conn: imaplib.IMAP4 | None = None
    try:
        conn = connect(box)
        validity = _uidvalidity(conn)
        if validity != box.uidvalidity:
            log.info("mailbox %s: UIDVALIDITY %s (was %s), reading the folder from its start",
                     name, validity, box.uidvalidity)
            box.uidvalidity, box.last_uid = validity, 0
            session.commit()
        for uid in new_uids(conn, box.last_uid):
            raw = fetch(conn, uid)
            if raw is not None:
                try:
                    result = take(raw, "imap", session.get(Mailbox, box_id))
                except NotAMessage:
                    log.warning("mailbox %s: UID %s is not a message; passed over", name, uid)
                    refused += 1
                else:
                    duplicates += result.duplicate
                    taken += not result.duplicate
            _advance(box_id, uid)
    except Exception as exc:  # noqa: BLE001  (the server's trouble or ours: the mailbox says why it stopped)
        db.session().rollback()
        error = f"{type(exc).__name__}: {exc}"
        log.warning("mailbox %s: poll stopped: %s", name, error,
                    exc_info=not isinstance(exc, (OSError, imaplib.IMAP4.error, ImapFailure)))
        _finish(box_id, error)
        return Poll(name, taken, duplicates, refused, error)
    finally:
        if conn is not None:
            try:
                conn.logout()
            except (OSError, imaplib.IMAP4.error):
                pass
    _finish(box_id, "")
    return Poll(name, taken, duplicates, refused)


def poll_all() -> list[Poll]:
    """Poll every active mailbox with an IMAP server."""
    ids = list(db.session().scalars(select(Mailbox.id).where(Mailbox.active.is_(True), Mailbox.host != "")
                                    .order_by(Mailbox.id)))
    db.session().commit()
    return [poll(i) for i in ids]
