"""Likely duplicates of a contact or an account, among the records the user may see.

A contact is a likely duplicate when it shares an email (either address,
case ignored), a phone (either number, compared by its last nine digits so
that "+34 976 200 101" and "976200101" match), or, at the same account, the
last name (case and accents ignored) and the first name's initial. An account
is one when it has the same tax id or the same name, case and accents ignored.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, func, or_

from trato import QueryError, RecordData, records
from trato.records import RecordQuery

from .models import Account, Contact

# The fields that make two records look alike; the others (a job title, a note) do not matter here.
IDENTIFYING = ("first_name", "last_name", "email", "email2", "phone", "mobile", "account_id", "name", "tax_id")
PHONE_DIGITS = 9
CANDIDATES = 20
PHONE_PUNCTUATION = (" ", "-", ".", "(", ")", "/", "+")


@dataclass(frozen=True)
class Candidate:
    """A record that may be the same person or organisation, and why."""

    record: RecordData
    reasons: tuple[str, ...]  # "email", "phone", "name", "tax_id"


def title(entity: str, record: Mapping[str, Any]) -> str:
    """How a contact (first and last name) or an account (its name) is named in messages."""
    if entity == Contact.__tablename__:
        return " ".join(filter(None, (record.get("first_name"), record.get("last_name"))))
    return str(record.get("name") or f"#{record.get('id')}")


def folded(text: str | None) -> str:
    """`text` without accents, case or repeated spaces: "Sáenz  de la Peña" → "saenz de la pena"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def phone_key(phone: str | None) -> str:
    """The last digits of a phone number, or "" for one too short to compare."""
    digits = "".join(c for c in phone or "" if c.isdigit())
    return digits[-PHONE_DIGITS:] if len(digits) >= PHONE_DIGITS else ""


def _digits(column: Any) -> ColumnElement[Any]:
    """A phone column without its punctuation, in SQL that SQLite and PostgreSQL both run."""
    expression = column
    for mark in PHONE_PUNCTUATION:
        expression = func.replace(expression, mark, "")
    return expression


def _emails(values: Mapping[str, Any]) -> set[str]:
    return {v.strip().lower() for v in (values.get("email"), values.get("email2")) if v and v.strip()}


def _phones(values: Mapping[str, Any]) -> set[str]:
    return {k for k in (phone_key(values.get("phone")), phone_key(values.get("mobile"))) if k}


def _same_name(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    first_a, first_b = folded(a.get("first_name"))[:1], folded(b.get("first_name"))[:1]
    return bool(folded(a.get("last_name"))) and folded(a.get("last_name")) == folded(b.get("last_name")) \
        and (first_a == first_b or not first_a or not first_b)


def contact_reasons(values: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    """Why `other` looks like the contact described by `values` (empty: it does not)."""
    reasons = []
    if _emails(values) & _emails(other):
        reasons.append("email")
    if _phones(values) & _phones(other):
        reasons.append("phone")
    if values.get("account_id") and values.get("account_id") == other.get("account_id") and _same_name(values, other):
        reasons.append("name")
    return tuple(reasons)


def _contact_queries(query: RecordQuery, values: Mapping[str, Any]) -> list[RecordQuery]:
    """One query for contacts sharing an email or a phone, or at the same account (names compared in Python)."""
    table = query.entity.table  # the registry's table, custom fields included
    found: list[ColumnElement[bool]] = []
    emails = sorted(_emails(values))
    if emails:
        found += [func.lower(table.c.email).in_(emails), func.lower(table.c.email2).in_(emails)]
    for key in sorted(_phones(values)):
        found += [_digits(table.c.phone).like(f"%{key}"), _digits(table.c.mobile).like(f"%{key}")]
    if values.get("account_id") and values.get("last_name"):
        found.append(table.c.account_id == values["account_id"])
    return [replace(query, conditions=(*query.conditions, or_(*found)))] if found else []


def _account_queries(query: RecordQuery, values: Mapping[str, Any]) -> list[RecordQuery]:
    """Accounts with the tax id; accounts found by every word of the name (the search ignores case and accents).

    Every word, not the longest only: a duplicate's name has them all, and one
    common word ("Transportes") matches thousands of accounts on a large book.
    """
    found = []
    if values.get("tax_id"):
        found.append(replace(query, conditions=(*query.conditions, query.entity.table.c.tax_id == values["tax_id"])))
    words = folded(values.get("name")).split()
    if words:
        found.append(query.search(" ".join(words)))
    return found


def account_reasons(values: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    reasons = []
    if values.get("tax_id") and values.get("tax_id") == other.get("tax_id"):
        reasons.append("tax_id")
    if values.get("name") and folded(values["name"]) == folded(other.get("name")):
        reasons.append("name")
    return tuple(reasons)


def find(entity: str, values: Mapping[str, Any], user: Any, exclude: int | None = None) -> list[Candidate]:
    """The records of `entity` that `user` may see and that look like `values`, closest first."""
    if entity == Contact.__tablename__:
        queries_of, reasons_of = _contact_queries, contact_reasons
    elif entity == Account.__tablename__:
        queries_of, reasons_of = _account_queries, account_reasons
    else:
        return []
    seen: dict[int, Candidate] = {}
    for query in queries_of(records.query(entity, user=user), values):
        try:
            items = query.order_by("-id").page(limit=CANDIDATES * 5).items
        except QueryError:  # a search on fields the user's role hides: nothing to compare
            continue
        for record in items:
            reasons = reasons_of(values, record)
            if reasons and record.id != exclude:
                seen[record.id] = Candidate(record, reasons)
    return sorted(seen.values(), key=lambda c: -len(c.reasons))[:CANDIDATES]
