"""Quotes and invoices sent by email: a draft message in the customer's language, the document's PDF attached
(an issued invoice's kept PDF, never rendered again), queued in the core's outbox and shown on the record's
timeline (and on its contact's and account's). A draft quote becomes sent."""
from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Any

from babel.numbers import format_currency
from flask import url_for
from flask_babel import force_locale, gettext as _

from trato import RecordData, ValidationFailed, companies, documents, extras, mail, records, session

from . import links

QUOTE = "invoicing_quote"
INVOICE = "invoicing_invoice"
SENDABLE = (QUOTE, INVOICE)
ADDRESS = re.compile(r"^[^@\s,;<>]+@[^@\s,;<>]+\.[^@\s,;<>]+$")


@dataclass
class Message:
    to: list[str]
    subject: str
    body: str
    cc: list[str] = field(default_factory=list)


# The languages documents and messages are written in (their templates exist in these).
LANGUAGES = ("en", "es")


def language_of(entity: str, record: RecordData) -> str:
    """The customer's language: the document's contact's preferred one, else the company's."""
    if record.get("contact_id"):
        try:
            preferred = records.get("contacts_contact", record["contact_id"], user=None).get("language")
        except records.RecordNotFound:
            preferred = None
        if preferred in LANGUAGES:
            return str(preferred)
    company = companies.company_for(entity, record).locale[:2]
    return company if company in LANGUAGES else "en"


def recipient(record: RecordData, user: Any = None) -> str | None:
    """The customer's address as `user` may see it: the document's contact's, else its account's."""
    for entity, key in (("contacts_contact", "contact_id"), ("contacts_account", "account_id")):
        if not record.get(key):
            continue
        try:
            found = records.get(entity, record[key], user=user).get("email")
        except records.RecordNotFound:
            continue
        if found:
            return str(found)
    return None


def draft(entity: str, record: RecordData, language: str | None = None, *, user: Any = None) -> Message:
    """The message the send form starts from, in `language` (the company's by default), to the customer's
    address as `user` may see it (None: the system, for the billing run)."""
    language = language or language_of(entity, record)
    company = companies.company_for(entity, record)
    total = record.get("total")
    with force_locale(language):
        values = {"number": record.get("number") or "", "company": company.name,
                  "total": format_currency(total.amount, total.currency, locale=language) if total else ""}
        if entity == QUOTE:
            subject = _("Quote %(number)s from %(company)s", **values)
            body = _("Hello,\n\nPlease find attached our quote %(number)s for %(total)s.\n\n"
                     "Kind regards,\n%(company)s", **values)
        else:
            subject = _("Invoice %(number)s from %(company)s", **values)
            body = _("Hello,\n\nPlease find attached invoice %(number)s for %(total)s.\n\n"
                     "Kind regards,\n%(company)s", **values)
    found = recipient(record, user)
    return Message(to=[found] if found else [], subject=subject, body=body)


def addresses(text: str) -> list[str]:
    """The addresses of a form's field, separated by commas, semicolons or spaces."""
    return [part for part in re.split(r"[,;\s]+", text or "") if part]


def check(message: Message) -> None:
    """ValidationFailed by field (to, cc, subject, body) for a message that cannot go."""
    errors: dict[str, list[str]] = {}
    if not message.to:
        errors["to"] = [_("Give at least one address to send to.")]
    for name, given in (("to", message.to), ("cc", message.cc)):
        wrong = [a for a in given if not ADDRESS.match(a)]
        if wrong:
            errors[name] = [_("Not an email address: %(address)s.", address=", ".join(wrong))]
    if not message.subject.strip():
        errors["subject"] = [_("Give the message a subject.")]
    if not message.body.strip():
        errors["body"] = [_("Write the message.")]
    if errors:
        raise ValidationFailed(errors)


def pdf_attachment(entity: str, record: RecordData, *, user: Any, language: str) -> int:
    """The id of the record's file to attach: the kept PDF once issued, else the PDF rendered now and filed on
    the record (what was sent stays with it)."""
    kept = documents.issued(entity, record.id)
    if kept is not None:
        return kept.attachment_id
    pdf = documents.render_pdf(entity, record.id, user=user, language=language)
    name = f"{record.get('number') or record.id}.pdf".replace("/", "-")
    return extras.attach(entity, record.id, name, io.BytesIO(pdf), user).id


def with_answer_link(quote_id: int, body: str, *, user: Any, language: str) -> str:
    """The body with a new public link to the quote (links.share, which needs a request for the URL)."""
    token = links.share(quote_id, user=user)
    url = url_for("invoicing_quoting.public_quote", token=token, _external=True)
    with force_locale(language):
        return body.rstrip() + "\n\n" + _("Read the quote and accept or reject it online: %(url)s", url=url)


def send(entity: str, record_id: int, message: Message, *, user: Any, language: str | None = None,
         answer_link: bool = False) -> int:
    """Queue the message with the document's PDF (and, for a quote with `answer_link`, a new public link to
    answer it in the text); returns the outbox message's id. One transaction: the file, the link, the message
    and a draft quote's status go together or not at all."""
    if entity not in SENDABLE:
        raise ValueError(entity)
    check(message)
    with records.atomic():
        record = records.get(entity, record_id, user=user)
        language = language or language_of(entity, record)
        text = message.body
        if entity == QUOTE and answer_link:
            text = with_answer_link(record_id, text, user=user, language=language)
            record = records.get(entity, record_id, user=user)
        attachment = pdf_attachment(entity, record, user=user, language=language)
        sender, reply_to = mail.sender(session(), user)
        related = [(e, record[k]) for e, k in (("contacts_contact", "contact_id"), ("contacts_account", "account_id"))
                   if record.get(k)]
        queued = mail.queue(session(), sender=sender, reply_to=reply_to, to=message.to, cc=message.cc,
                            subject=message.subject, text=text, attachments=[attachment], entity=entity,
                            record_id=record_id, links=related, created_by=getattr(user, "id", None))
        if entity == QUOTE and record.get("status") == "draft":
            records.update(QUOTE, record_id, {"status": "sent"}, user=user, version=record.version)
        records.on_commit(mail.wake)
    return queued.id
