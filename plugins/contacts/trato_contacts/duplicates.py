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

from sqlalchemy import ColumnElement, Table, func, or_

from trato import RecordData, records

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


def _contact_conditions(table: Table, values: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    emails = sorted(_emails(values))
    if emails:
        found += [func.lower(table.c.email).in_(emails), func.lower(table.c.email2).in_(emails)]
    for key in sorted(_phones(values)):
        found += [_digits(table.c.phone).like(f"%{key}"), _digits(table.c.mobile).like(f"%{key}")]
    if values.get("account_id") and values.get("last_name"):
        found.append(table.c.account_id == values["account_id"])  # the names are compared in Python
    return found


def _account_conditions(table: Table, values: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    found: list[ColumnElement[bool]] = []
    if values.get("tax_id"):
        found.append(table.c.tax_id == values["tax_id"])
    if values.get("name"):
        # Accents are compared in Python: this finds the same name in any case, plus those differing in accents
        # only when their first word matches (a cheap prefilter that keeps the scan small).
        first_word = folded(values["name"]).split(" ")[0]
        found.append(func.lower(table.c.name).like(f"{first_word[:3]}%"))
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
        conditions_of, reasons_of = _contact_conditions, contact_reasons
    elif entity == Account.__tablename__:
        conditions_of, reasons_of = _account_conditions, account_reasons
    else:
        return []
    query = records.query(entity, user=user)
    conditions = conditions_of(query.entity.table, values)  # the registry's table, custom fields included
    if not conditions:
        return []
    query = replace(query, conditions=(*query.conditions, or_(*conditions)))
    found = []
    for record in query.order_by("-id").page(limit=CANDIDATES * 5).items:
        reasons = reasons_of(values, record)
        if reasons and record.id != exclude:
            found.append(Candidate(record, reasons))
    found.sort(key=lambda c: -len(c.reasons))
    return found[:CANDIDATES]
