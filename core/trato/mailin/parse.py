"""Reading one RFC 822 message into what intake needs, whatever state it arrives in.

Nothing here raises for bad mail: a broken MIME structure, an unknown
charset or a header that cannot be read each leave a line in `problems` and
the rest is read as well as it can be. Only bytes that are not a message at
all (no header) are refused, with `NotAMessage`.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import getaddresses, parseaddr, parsedate_to_datetime

import nh3

from ..errors import TratoError

MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
BODY_LIMIT = 60_000  # characters of text kept with the message (the raw message keeps the rest)


class NotAMessage(TratoError):
    """The bytes are not an RFC 822 message (no header at all)."""


@dataclass(frozen=True)
class Part:
    """An attached file: its name, declared type and content."""

    name: str
    content_type: str
    data: bytes


@dataclass
class Parsed:
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    sender: str
    sender_name: str
    recipients: list[str]
    subject: str
    sent_at: datetime | None
    body: str
    auto_submitted: bool
    headers: dict[str, str]
    attachments: list[Part] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def thread_ids(self) -> list[str]:
        """The ids of the messages this one answers, nearest first."""
        return list(dict.fromkeys([*self.in_reply_to, *reversed(self.references)]))


def ids_in(value: str) -> list[str]:
    """The message ids in a Message-ID, In-Reply-To or References header, without angle brackets."""
    found = MESSAGE_ID.findall(value or "")
    if not found and value and value.strip() and " " not in value.strip():
        found = [value.strip().strip("<>")]
    return found


def _header(msg: Message, name: str, problems: list[str]) -> str:
    try:
        value = msg.get(name)
        return str(value) if value is not None else ""
    except Exception as exc:  # noqa: BLE001  (a header the library cannot read is a problem of the mail)
        problems.append(f"header {name} could not be read: {exc}")
        raw = msg.get_all(name, failobj=[]) if hasattr(msg, "get_all") else []
        return str(raw[0]) if raw else ""


def _text(part: Message, problems: list[str]) -> str:
    """The part's text; an unknown or wrong charset is read as UTF-8 with replacements, and said."""
    try:
        return str(part.get_content())  # type: ignore[attr-defined]
    except (LookupError, UnicodeError, AssertionError, ValueError, KeyError) as exc:
        problems.append(f"text part with charset {part.get_content_charset()!r} read as UTF-8: "
                        f"{type(exc).__name__}")
        data = part.get_payload(decode=True)
        return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data or "")


def _is_attachment(part: Message) -> bool:
    """A file rather than the text of the message: said so, named, or not text at all."""
    return (part.get_content_disposition() == "attachment" or bool(part.get_filename())
            or part.get_content_maintype() != "text")


def _moment(value: str) -> datetime | None:
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def parse(raw: bytes) -> Parsed:
    """Read `raw` into a `Parsed`; NotAMessage when it has no header at all."""
    head = raw.lstrip()[:4096]
    if not raw.strip() or not re.match(rb"^[!-9;-~]+:", head):
        raise NotAMessage("no RFC 822 header")
    msg: EmailMessage = message_from_bytes(raw, policy=policy.default)  # type: ignore[assignment]
    problems: list[str] = [f"MIME: {type(d).__name__}" for d in msg.defects]
    raw_headers = {k.lower(): str(v) for k, v in reversed(list(msg.raw_items()))}  # the first of each, unparsed
    given = ids_in(raw_headers.get("message-id", ""))
    message_id = given[0] if given else "sha256-" + hashlib.sha256(raw).hexdigest() + "@trato.invalid"
    sender_name, sender = parseaddr(_header(msg, "From", problems) or _header(msg, "Sender", problems))
    recipients = [a.lower() for _n, a in getaddresses([_header(msg, h, problems) for h in ("To", "Cc",
                                                                                            "Delivered-To")]) if a]
    body_plain, body_html = "", ""
    parts = msg.walk() if msg.is_multipart() else iter([msg])
    attachments: list[Part] = []
    for part in parts:
        problems += [f"MIME: {type(d).__name__}" for d in part.defects if part is not msg]
        if part.is_multipart():
            continue
        if part.get_content_maintype() == "multipart":  # a container whose parts could not be found
            problems.append("MIME: multipart without its parts, read as text")
            data = part.get_payload(decode=True)
            body_plain = body_plain or (data.decode("utf-8", "replace") if isinstance(data, bytes) else "")
            continue
        if _is_attachment(part):
            data = part.get_payload(decode=True)
            if isinstance(data, bytes) and data:
                attachments.append(Part(part.get_filename() or "attachment", part.get_content_type(), data))
            continue
        if part.get_content_type() == "text/plain" and not body_plain:
            body_plain = _text(part, problems)
        elif part.get_content_type() == "text/html" and not body_html:
            body_html = _text(part, problems)
    body = body_plain or nh3.clean(body_html, tags=set()).strip()
    return Parsed(
        message_id=message_id[:998],
        in_reply_to=ids_in(raw_headers.get("in-reply-to", "")),
        references=ids_in(raw_headers.get("references", "")),
        sender=sender.lower(), sender_name=sender_name, recipients=list(dict.fromkeys(recipients)),
        subject=_header(msg, "Subject", problems)[:2000], sent_at=_moment(_header(msg, "Date", problems)),
        body=body[:BODY_LIMIT],
        auto_submitted=_header(msg, "Auto-Submitted", problems).strip().lower() not in ("", "no"),
        headers=raw_headers,
        attachments=attachments, problems=list(dict.fromkeys(problems)),
    )
