"""Contacts as vCards and back: export one or many, import a file all or nothing.

A file is imported whole or not at all: if any card is broken (a missing
END:VCARD, no name, a bad date, an email the contact's field refuses), no
contact is created and every problem is listed with its card's number, so
the person fixes the file and imports it again without creating doubles of
the cards that were fine.

ORG is matched to an existing account by name (case and accents ignored);
an organisation with no account is listed in the result, not created. NOTE
becomes a note on the contact.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markupsafe import escape as html_escape

from trato import RecordData, ValidationFailed, extras, fields, records

from .duplicates import folded
from .models import COUNTRIES, LANGUAGES, Contact
from .vcard import Card, Problem, birthday, components, escape, parse, text, write

ENTITY = Contact.__tablename__
MAX_CARDS = 5000


@dataclass
class Imported:
    """What an import did: the contacts created, or the problems that stopped it (then nothing was created)."""

    created: list[RecordData] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    unknown_organisations: list[str] = field(default_factory=list)


def _country_code(name: str) -> str | None:
    wanted = folded(name)
    for option in COUNTRIES:
        names = [option.value, *option.label.values()] if isinstance(option.label, dict) else [option.value]
        if wanted in {folded(n) for n in names}:
            return option.value
    return None


def _names(card: Card) -> tuple[str | None, str]:
    n = card.first("N")
    if n is not None:
        parts = components(n) + ["", ""]
        last, first = parts[0], " ".join(p for p in (parts[1], parts[2]) if p)
        if last or first:
            return first or None, last or first
    words = text(card.first("FN")).split()
    return (words[0], " ".join(words[1:])) if len(words) > 1 else (None, " ".join(words))


def _values(card: Card, accounts: Mapping[str, int]) -> tuple[dict[str, Any], str | None]:
    """The contact's field values from a card, and the organisation named but not found."""
    first, last = _names(card)
    values: dict[str, Any] = {"first_name": first, "last_name": last, "job_title": text(card.first("TITLE")) or None}
    emails = [text(p) for p in card.all("EMAIL") if text(p)]
    values["email"], values["email2"] = (emails + [None, None])[:2]
    phones, mobiles = [], []
    for prop in card.all("TEL"):
        number = text(prop)
        if number.startswith("tel:"):  # 4.0's URI form: "tel:+34-976-200-101"
            number = number[4:].replace("-", " ")
        (mobiles if "cell" in prop.types else phones).append(number)
    values["phone"] = (phones + mobiles[1:] + [None])[0]
    values["mobile"] = (mobiles + phones[1:] + [None])[0]
    adr = card.first("ADR")
    if adr is not None:
        parts = components(adr) + [""] * 7
        values |= {"street": parts[2] or None, "city": parts[3] or None, "postcode": parts[5] or None,
                   "country": _country_code(parts[6]) if parts[6] else None}
    values["birthday"] = birthday(card.first("BDAY"))
    language = text(card.first("LANG")).lower()[:2]
    values["language"] = language if language in dict(LANGUAGES) else None
    org = card.first("ORG")
    organisation = components(org)[0] if org is not None else ""
    values["account_id"] = accounts.get(folded(organisation))
    return values, organisation if organisation and values["account_id"] is None else None


def _account_ids(user: Any) -> dict[str, int]:
    """The accounts the user may see, by folded name (the first one of a name wins)."""
    found: dict[str, int] = {}
    cursor = None
    while True:
        page = records.query("contacts_account", user=user).order_by("id").page(limit=500, cursor=cursor)
        for record in page.items:
            found.setdefault(folded(record["name"]), record.id)
        cursor = page.next_cursor
        if cursor is None:
            return found


def _note_html(note: str) -> str:
    """A card's NOTE as a note: each of its lines a paragraph."""
    return "".join(f"<p>{html_escape(line)}</p>" for line in note.splitlines() if line.strip())


def import_file(content: str, user: Any) -> Imported:
    """Create a contact from each card of `content`, all of them or, at the first broken card, none."""
    cards, problems = parse(content)
    if len(cards) > MAX_CARDS:
        problems.append(Problem(0, 1, _("The file holds %(count)s cards; import at most %(max)s at a time.",
                                        count=len(cards), max=MAX_CARDS)))
    if problems:
        return Imported(problems=problems)
    accounts = _account_ids(user)
    rows, unknown = [], []
    for card in cards:
        values, organisation = _values(card, accounts)
        rows.append(values)
        if organisation and organisation not in unknown:
            unknown.append(organisation)
    notes = [text(card.first("NOTE")) or None for card in cards]
    try:
        with records.atomic():
            created = records.bulk_create(ENTITY, rows, user=user)
            extras.add_notes(ENTITY, {c.id: _note_html(note) for c, note in zip(created, notes) if note}, user)
    except ValidationFailed as exc:
        return Imported(problems=[Problem(cards[index].number, cards[index].line, message)
                                  for index, errors in sorted(exc.errors.items())
                                  for message in _messages(errors)])
    return Imported(created=created, unknown_organisations=unknown)


def _messages(errors: Any) -> Iterable[str]:
    """A row's validation errors as "Label: message" lines."""
    if not isinstance(errors, dict):
        yield str(errors)
        return
    entity = records.entity(ENTITY)
    for name, messages in errors.items():
        label = fields.localize(entity.fields[name].label) if name in entity.fields else name
        for message in messages if isinstance(messages, list) else [messages]:
            yield f"{label}: {message}"


def _country_name(code: str | None) -> str:
    for option in COUNTRIES:
        if option.value == code:
            return option.text
    return code or ""


def card_of(contact: Mapping[str, Any], account: str | None, version: str) -> str:
    """One contact as a vCard 3.0 or 4.0."""
    four = version == "4.0"
    first, last = contact.get("first_name") or "", contact.get("last_name") or ""
    props = [("N", f"{escape(last)};{escape(first)};;;"), ("FN", escape(" ".join(filter(None, (first, last)))))]
    if account:
        props.append(("ORG", escape(account)))
    if contact.get("job_title"):
        props.append(("TITLE", escape(contact["job_title"])))
    for name, kind in (("email", "work"), ("email2", "home")):
        if contact.get(name):
            props.append((f"EMAIL;TYPE={kind}" if four else f"EMAIL;TYPE=INTERNET,{kind.upper()}",
                          escape(contact[name])))
    for name, kind in (("phone", "work,voice"), ("mobile", "cell")):
        if contact.get(name):
            props.append((f"TEL;VALUE=uri;TYPE={kind}" if four else f"TEL;TYPE={kind.upper()}",
                          f"tel:{contact[name].replace(' ', '-')}" if four else escape(contact[name])))
    if any(contact.get(n) for n in ("street", "city", "postcode", "country")):
        parts = ["", "", contact.get("street") or "", contact.get("city") or "", "", contact.get("postcode") or "",
                 _country_name(contact.get("country"))]
        props.append(("ADR;TYPE=" + ("work" if four else "WORK"), ";".join(escape(p) for p in parts)))
    if contact.get("birthday"):
        props.append(("BDAY", contact["birthday"].strftime("%Y%m%d" if four else "%Y-%m-%d")))
    if four and contact.get("language"):
        props.append(("LANG", contact["language"]))
    return write(props, version)


def export(contacts: list[RecordData], user: Any, version: str) -> str:
    """Several contacts as one .vcf, their accounts named in ORG."""
    ids = sorted({c["account_id"] for c in contacts if c.get("account_id")})
    names: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        page = records.query("contacts_account", user=user).where({"id__in": chunk}).page(limit=len(chunk))
        names |= {r.id: r["name"] for r in page.items}
    return "".join(card_of(c, names.get(c.get("account_id")), version) for c in contacts)
