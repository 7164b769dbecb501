"""The quote's public link: a signed URL the customer opens without an account to accept or reject the quote.

The URL carries a link row's id and random nonce, signed with the install's secret (itsdangerous), so it
cannot be guessed or altered; the row says when it expires and whether it was revoked. The answer form
carries the same token (no session, so no session CSRF token: the signed token is what proves the form came
from the link) and the SHA-256 of the document shown; an answer is written only when the quote is still open
to one and the document is still the one shown.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import exists, select, update
from sqlalchemy.exc import IntegrityError

from trato import RecordData, access, companies, documents, records, session

from .models import QuoteLink, QuoteResponse

QUOTE = "invoicing_quote"
SALT = "trato-invoicing-quote-link"
DAYS = 30  # a link to a quote without a validity date lasts this long
OPEN = ("draft", "sent")


class LinkRefused(Exception):
    """Why a link shows no quote or takes no answer: `reason` is one of the keys of the public page's texts."""

    def __init__(self, reason: str, quote: RecordData | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.quote = quote


@dataclass(frozen=True)
class Opened:
    link: QuoteLink
    quote: RecordData


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def expiry(quote: RecordData, now: datetime) -> datetime:
    """The end of the quote's validity date, else DAYS from now."""
    valid_until = quote.get("valid_until")
    if valid_until is not None:
        return datetime.combine(valid_until + timedelta(days=1), time(0), timezone.utc)
    return now + timedelta(days=DAYS)


def share(quote_id: int, *, user: Any) -> str:
    """A new link to the quote (the user must be able to change it); a draft quote becomes sent. Returns the
    token for the URL."""
    with records.atomic():
        quote = records.get(QUOTE, quote_id, user=user)
        if user is not None:
            access.check(user, QUOTE, "edit", quote)  # offering the quote for an answer changes it
        if quote.get("status") not in OPEN:
            raise LinkRefused("answered", quote)
        if quote.get("status") == "draft":
            records.update(QUOTE, quote_id, {"status": "sent"}, user=user, version=quote.version)
        now = _now()
        link = QuoteLink(quote_id=quote_id, nonce=secrets.token_hex(16), created_at=now,
                         expires_at=expiry(quote, now), created_by=getattr(user, "id", None))
        session().add(link)
        session().flush()
        return str(_signer().dumps([link.id, link.nonce]))


def revoke(quote_id: int, *, user: Any) -> int:
    """Revoke every live link of the quote; how many were."""
    with records.atomic():
        quote = records.get(QUOTE, quote_id, user=user)
        if user is not None:
            access.check(user, QUOTE, "edit", quote)
        done = session().execute(update(QuoteLink).where(QuoteLink.quote_id == quote_id,
                                                         QuoteLink.revoked_at.is_(None))
                                 .values(revoked_at=_now()))
        return int(done.rowcount or 0)


def newer_revision_exists(quote: RecordData) -> bool:
    root = quote.get("revision_of_id") or quote.id
    family = records.query(QUOTE, user=None).where({"revision_of_id": root, "revision__gt": quote["revision"]})
    return bool(family.count().value)


def open_link(token: str) -> Opened:
    """The link and its quote, or LinkRefused saying why not (invalid, revoked, expired, answered, superseded)."""
    try:
        link_id, nonce = _signer().loads(token)
    except (BadSignature, ValueError, TypeError):
        raise LinkRefused("invalid") from None
    link = session().get(QuoteLink, link_id) if isinstance(link_id, int) else None
    if link is None or not secrets.compare_digest(link.nonce, str(nonce)):
        raise LinkRefused("invalid")
    try:
        quote = records.get(QUOTE, link.quote_id, user=None)
    except records.RecordNotFound:
        raise LinkRefused("invalid") from None
    if link.revoked_at is not None:
        raise LinkRefused("revoked", quote)
    answered = session().scalar(select(exists().where(QuoteResponse.quote_id == quote.id)))
    if answered or quote.get("status") not in OPEN:
        raise LinkRefused("expired" if quote.get("status") == "expired" else "answered", quote)
    valid_until = quote.get("valid_until")
    if link.expires_at <= _now() or (valid_until is not None and valid_until < date.today()):
        raise LinkRefused("expired", quote)
    if newer_revision_exists(quote):
        raise LinkRefused("superseded", quote)
    return Opened(link, quote)


def document_html(quote: RecordData) -> str:
    """The quote as the customer reads it, in its company's language (the hash is of this text)."""
    return documents.render_html(QUOTE, quote.id, user=None, language=companies.company_for(QUOTE, quote).locale[:2])


def fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def answer(token: str, *, decision: str, name: str, comment: str, shown_sha256: str,
           ip_address: str | None) -> QuoteResponse:
    """Record the customer's answer and set the quote's status, in one transaction; LinkRefused ("changed"
    when the quote is no longer the document shown) with nothing written otherwise."""
    if decision not in ("accepted", "rejected"):
        raise ValueError(decision)
    try:
        with records.atomic():
            opened = open_link(token)
            if fingerprint(document_html(opened.quote)) != shown_sha256:
                raise LinkRefused("changed", opened.quote)
            response = QuoteResponse(quote_id=opened.quote.id, link_id=opened.link.id, decision=decision,
                                     name=name.strip()[:200], comment=comment.strip() or None,
                                     ip_address=(ip_address or "")[:64] or None, document_sha256=shown_sha256,
                                     responded_at=_now())
            session().add(response)
            session().flush()
            records.update(QUOTE, opened.quote.id, {"status": decision}, user=None, version=opened.quote.version)
            return response
    except (IntegrityError, records.StaleRecord):
        raise LinkRefused("answered") from None


def response_of(quote_id: int) -> QuoteResponse | None:
    return session().scalar(select(QuoteResponse).where(QuoteResponse.quote_id == quote_id))
