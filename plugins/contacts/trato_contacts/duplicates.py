"""Likely duplicates of a contact or an account, among the records the user may see.

A contact is a likely duplicate when it shares an email (either address,
case ignored), a phone (either number, compared by its last nine digits so
that "+34 976 200 101" and "976200101" match), or, at the same account, the
last name (case and accents ignored) and the first name's initial. An account
is one when it has the same tax id or the same name, case, accents, punctuation
and the legal form ignored ("Talleres Zubi, S.L." is "Talleres Zubi").

Other plugins add their own entities through the core's `duplicate_finders`
hook (Contacts answers it for its own, which the core's import uses too);
the form warning, the "Likely duplicates" panel, the lookup and the merge
screen then serve those entities too.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import ColumnElement, Table, func, or_

from trato import QueryError, RecordData, access, call_hook, records

from .models import Account, Contact

# The fields that make two records look alike; the others (a job title, a note) do not matter here.
IDENTIFYING = ("first_name", "last_name", "email", "email2", "phone", "mobile", "account_id", "name", "company",
               "tax_id")
PHONE_DIGITS = 9
CANDIDATES = 20
PHONE_PUNCTUATION = (" ", "-", ".", "(", ")", "/", "+")
# Legal forms, written without dots, that say nothing about which organisation a name is.
LEGAL_FORMS = frozenset({"sl", "slu", "sll", "slne", "sa", "sau", "scoop", "coop", "cb", "sc", "scp", "srl", "sas",
                         "sarl", "ltd", "limited", "llc", "llp", "inc", "corp", "plc", "gmbh", "ag", "bv", "nv",
                         "spa", "lda"})


@dataclass(frozen=True)
class Candidate:
    """A record that may be the same person or organisation, and why.

    `record.entity` says which entity it is: a plugin's finder may name records of
    several (a lead may already be a contact); only those of the same entity can be merged.
    """

    record: RecordData
    reasons: tuple[str, ...]  # "email", "phone", "name", "tax_id", or a plugin's own


Finder = Callable[[Mapping[str, Any], Any], list[Candidate]]


def title(entity: str, record: Mapping[str, Any]) -> str:
    """How a record is named in messages: as its entity names it in links ("Íñigo Sáenz", "Nortech")."""
    return records.entity(entity).title_of(record)


def kind(entity: str) -> str:
    """What a record of `entity` is called ("Contact", "Lead"), for candidates of another entity than the record's."""
    return records.entity(entity).text


def folded(text: str | None) -> str:
    """`text` without accents, case or repeated spaces: "Sáenz  de la Peña" → "saenz de la pena"."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


def company_key(name: str | None) -> str:
    """An organisation's name as compared: folded, without punctuation or legal form ("Zubi, S.L." → "zubi")."""
    words = "".join(c if c.isalnum() else " " for c in folded(name).replace(".", "")).split()
    kept = [w for w in words if w not in LEGAL_FORMS]
    return " ".join(kept or words)


def phone_key(phone: str | None) -> str:
    """The last digits of a phone number, or "" for one too short to compare."""
    numbers = "".join(c for c in phone or "" if c.isdigit())
    return numbers[-PHONE_DIGITS:] if len(numbers) >= PHONE_DIGITS else ""


def digits(column: Any) -> ColumnElement[Any]:
    """A phone column without its punctuation, in SQL that SQLite and PostgreSQL both run."""
    expression = column
    for mark in PHONE_PUNCTUATION:
        expression = func.replace(expression, mark, "")
    return expression


EMAIL_FIELDS, PHONE_FIELDS = ("email", "email2"), ("phone", "mobile")


def _emails(values: Mapping[str, Any]) -> set[str]:
    return {v.strip().lower() for v in (values.get(f) for f in EMAIL_FIELDS) if v and v.strip()}


def _phones(values: Mapping[str, Any]) -> set[str]:
    return {k for k in (phone_key(values.get(f)) for f in PHONE_FIELDS) if k}


def same_name(a: Mapping[str, Any], b: Mapping[str, Any]) -> bool:
    """The same last name (case and accents ignored) and no different first initial."""
    first_a, first_b = folded(a.get("first_name"))[:1], folded(b.get("first_name"))[:1]
    return bool(folded(a.get("last_name"))) and folded(a.get("last_name")) == folded(b.get("last_name")) \
        and (first_a == first_b or not first_a or not first_b)


def shared_details(values: Mapping[str, Any], other: Mapping[str, Any]) -> list[str]:
    """"email" and "phone" if the two share one (either address, either number): a person's own details."""
    return [reason for reason, shared in (("email", _emails(values) & _emails(other)),
                                          ("phone", _phones(values) & _phones(other))) if shared]


def contact_reasons(values: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    """Why `other` looks like the contact described by `values` (empty: it does not)."""
    reasons = shared_details(values, other)
    if values.get("account_id") and values.get("account_id") == other.get("account_id") and same_name(values, other):
        reasons.append("name")
    return tuple(reasons)


def detail_conditions(table: Table, values: Mapping[str, Any]) -> list[ColumnElement[bool]]:
    """SQL for "shares an email or a phone with `values`", on the email and phone columns `table` has."""
    found: list[ColumnElement[bool]] = []
    emails = sorted(_emails(values))
    if emails:
        found += [func.lower(table.c[f]).in_(emails) for f in EMAIL_FIELDS if f in table.c]
    for key in sorted(_phones(values)):
        found += [digits(table.c[f]).like(f"%{key}") for f in PHONE_FIELDS if f in table.c]
    return found


def _contact_queries(query: records.RecordQuery, values: Mapping[str, Any]) -> list[records.RecordQuery]:
    """One query for contacts sharing an email or a phone, or at the same account (names compared in Python)."""
    table = query.entity.table  # the registry's table, custom fields included
    found = detail_conditions(table, values)
    if values.get("account_id") and values.get("last_name"):
        found.append(table.c.account_id == values["account_id"])
    return [replace(query, conditions=(*query.conditions, or_(*found)))] if found else []


def _account_queries(query: records.RecordQuery, values: Mapping[str, Any]) -> list[records.RecordQuery]:
    """Accounts with the tax id; accounts found by every word of the name (the search ignores case and accents).

    Every word, not the longest only: a duplicate's name has them all, and one
    common word ("Transportes") matches thousands of accounts on a large book.
    """
    found = []
    if values.get("tax_id"):
        found.append(replace(query, conditions=(*query.conditions, query.entity.table.c.tax_id == values["tax_id"])))
    key = company_key(values.get("name"))
    if key:
        found.append(query.search(key))
    return found


def account_reasons(values: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    reasons = []
    if values.get("tax_id") and values.get("tax_id") == other.get("tax_id"):
        reasons.append("tax_id")
    if values.get("name") and company_key(values["name"]) == company_key(other.get("name")):
        reasons.append("name")
    return tuple(reasons)


def search(entity: str, values: Mapping[str, Any], user: Any,
           queries_of: Callable[[records.RecordQuery, Mapping[str, Any]], list[records.RecordQuery]],
           reasons_of: Callable[[Mapping[str, Any], Mapping[str, Any]], tuple[str, ...]]) -> list[Candidate]:
    """The records the queries find that `reasons_of` confirms, most reasons first.

    The building block of a finder: the queries narrow the table (by indexed columns, or the search),
    `reasons_of(values, record)` says in Python why a record found looks like `values`. Fields hidden from
    `user` take no part on either side: a match must not tell what a hidden field holds.
    """
    seen: dict[int, Candidate] = {}
    values = access.without_hidden(user, entity, values)
    for query in queries_of(records.query(entity, user=user), values):
        try:
            items = query.order_by("-id").page(limit=CANDIDATES * 5).items
        except QueryError:  # a search on fields the user's role hides: nothing to compare
            continue
        for record in items:
            reasons = reasons_of(values, access.without_hidden(user, entity, record))
            if reasons:
                seen[record.id] = Candidate(record, reasons)
    return sorted(seen.values(), key=lambda c: -len(c.reasons))


def own_finders() -> dict[str, Finder]:
    """Contacts' finders of its own entities, offered through the core's `duplicate_finders` hook (hooks.py), so
    that the core's import skips or updates rows like existing contacts and accounts too."""
    return {
        Contact.__tablename__: lambda values, user: search(Contact.__tablename__, values, user, _contact_queries,
                                                           contact_reasons),
        Account.__tablename__: lambda values, user: search(Account.__tablename__, values, user, _account_queries,
                                                           account_reasons),
    }


def finders() -> dict[str, Finder]:
    """Who finds the likely duplicates of each entity: the enabled plugins' `duplicate_finders`, Contacts' own
    first; the first to name an entity wins."""
    found: dict[str, Finder] = {}
    for offered in call_hook("duplicate_finders"):
        found.update({entity: finder for entity, finder in (offered or {}).items() if entity not in found})
    return found


def find(entity: str, values: Mapping[str, Any], user: Any, exclude: int | None = None) -> list[Candidate]:
    """The records that `user` may see and that look like `values` (a record of `entity`), closest first.

    `exclude` is the id of the record itself, left out of its own duplicates.
    """
    finder = finders().get(entity)
    if finder is None:
        return []
    found = [c for c in finder(values, user) if not (c.record.entity == entity and c.record.id == exclude)]
    return found[:CANDIDATES]
