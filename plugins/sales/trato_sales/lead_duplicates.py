"""Likely duplicates of a lead: open leads and contacts that look like the same person.

A lead looks like another when they share an email or a phone (compared as
the contacts plugin compares them), or the same last name, first initial and
company (case, accents and legal form ignored); like a contact, by the
contacts plugin's own rules. Sales offers this finder to contacts
(`duplicate_finders`), which then warns on the new-lead form, lists them on
the lead's page and merges two leads. Converted leads are history: they are
neither searched nor given duplicates.

The list of duplicates groups the open leads sharing an email, a phone or a
name at a company, a page of groups at a time, for merging in bulk.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, Select, func, or_, select
from trato_contacts import duplicates, merge
from trato_contacts.duplicates import Candidate

from trato import RecordData, records
from trato import session as db_session

from .models import Lead

LEAD, CONTACT = Lead.__tablename__, "contacts_contact"
CONVERTED = "converted"
GROUPS = 50  # groups on a page of the list of duplicates
MEMBERS = 20  # leads shown (and merged) per group at most


def lead_reasons(values: Mapping[str, Any], other: Mapping[str, Any]) -> tuple[str, ...]:
    """Why lead `other` looks like the lead described by `values` (empty: it does not)."""
    reasons = duplicates.shared_details(values, other)
    company = duplicates.company_key(values.get("company"))
    if company and company == duplicates.company_key(other.get("company")) and duplicates.same_name(values, other):
        reasons.append("name")
    return tuple(reasons)


def _lead_queries(query: records.RecordQuery, values: Mapping[str, Any]) -> list[records.RecordQuery]:
    """Open leads sharing an email or a phone; open leads found by the last name and the company's words."""
    query = query.where({"status__ne": CONVERTED})
    found = []
    shared = duplicates.detail_conditions(query.entity.table, values)
    if shared:
        found.append(replace(query, conditions=(*query.conditions, or_(*shared))))
    last_name, company = duplicates.folded(values.get("last_name")), duplicates.company_key(values.get("company"))
    if last_name and company:
        found.append(query.search(f"{last_name} {company}"))
    return found


def find(values: Mapping[str, Any], user: Any) -> list[Candidate]:
    """The open leads, then the contacts, that look like the lead `values` describes (none for a converted lead)."""
    if values.get("status") == CONVERTED:
        return []
    leads = duplicates.search(LEAD, values, user, _lead_queries, lead_reasons)
    person = {name: values.get(name) for name in ("first_name", "last_name", "email", "phone")}
    return leads + duplicates.find(CONTACT, person, user)


# --- the list of duplicates ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Group:
    """Open leads that look like one person, oldest first: the first is the one a bulk merge keeps."""

    leads: list[RecordData]

    @property
    def ids(self) -> str:
        return ",".join(str(lead.id) for lead in self.leads)


def _phone_key(column: Any) -> ColumnElement[Any]:
    """The last digits of a phone column in SQL (as `duplicates.phone_key`), on SQLite and PostgreSQL alike."""
    digits = duplicates.digits(column)
    return func.substr(digits, func.length(digits) - (duplicates.PHONE_DIGITS - 1))


def _keys(open_leads: Any) -> list[tuple[str, ColumnElement[Any], ColumnElement[bool]]]:
    """What makes leads one group in SQL: (name, key expression, condition for the key to count)."""
    c = open_leads.c
    phone = duplicates.digits(c.phone)
    return [("email", func.lower(c.email), c.email.is_not(None)),
            ("phone", _phone_key(c.phone), func.length(phone) >= duplicates.PHONE_DIGITS),
            ("name", func.lower(c.last_name) + "|" + func.lower(c.company), c.company.is_not(None))]


def _shared_keys(open_leads: Any, cursor: int) -> list[tuple[str, Any]]:
    """The keys held by more than one open lead, the groups' first ids after `cursor`, a page of them."""
    found: list[tuple[int, str, Any]] = []
    for name, key, counts in _keys(open_leads):
        stmt: Select[Any] = select(key.label("key"), func.min(open_leads.c.id).label("first")).where(counts) \
            .group_by(key).having(func.count() > 1).having(func.min(open_leads.c.id) > cursor) \
            .order_by(func.min(open_leads.c.id)).limit(GROUPS)
        found += [(row.first, name, row.key) for row in db_session().execute(stmt)]
    return [(name, key) for _first, name, key in sorted(found)[:GROUPS]]


def groups(user: Any, cursor: int = 0) -> tuple[list[Group], int | None]:
    """A page of groups of open leads `user` may see that look alike, and the cursor of the next page (or None).

    Groups that share a lead are one group; the page holds up to GROUPS keys, ordered by their oldest lead.
    Keys are compared as SQL computes them, so that the page and the grouping agree.
    """
    open_leads = records.query(LEAD, user=user).where({"status__ne": CONVERTED}).statement().subquery()
    wanted = _shared_keys(open_leads, cursor)
    if not wanted:
        return [], None
    keys = {name: key for name, key, _counts in _keys(open_leads)}
    stmt = select(open_leads.c.id, *(key.label(name) for name, key in keys.items())) \
        .where(or_(*(keys[name] == value for name, value in wanted)))
    holders: dict[tuple[str, Any], list[int]] = {}
    for row in db_session().execute(stmt).mappings():
        for name, value in wanted:
            if row[name] == value:
                holders.setdefault((name, value), []).append(row["id"])
    members = _records(sorted({i for ids in holders.values() for i in ids}), user)
    page = [Group(sorted((members[i] for i in ids if i in members), key=lambda r: r.id)[:MEMBERS])
            for ids in _joined(holders.values())]
    page = sorted((g for g in page if len(g.leads) > 1), key=lambda g: g.leads[0].id)
    return page, (page[-1].leads[0].id if len(wanted) == GROUPS and page else None)


def _records(ids: list[int], user: Any) -> dict[int, RecordData]:
    found: dict[int, RecordData] = {}
    for start in range(0, len(ids), records.MAX_LIMIT):
        chunk = ids[start:start + records.MAX_LIMIT]
        found.update((r.id, r) for r in records.query(LEAD, user=user).where({"id__in": chunk}).page(
            limit=len(chunk)).items)
    return found


def _joined(holders: Iterable[list[int]]) -> list[set[int]]:
    """Sets of ids that share a key, those sharing an id joined (union-find)."""
    parent: dict[int, int] = {}

    def root(i: int) -> int:
        while parent.setdefault(i, i) != i:
            i = parent[i]
        return i

    holders = list(holders)
    for ids in holders:
        for other in ids[1:]:
            parent[root(other)] = root(ids[0])
    joined: dict[int, set[int]] = {}
    for ids in holders:
        for i in ids:
            joined.setdefault(root(i), set()).add(i)
    return list(joined.values())


# --- merging ---------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class GroupMerged:
    kept: RecordData
    merged: int  # leads merged into it


def merge_group(ids: list[int], user: Any) -> GroupMerged:
    """Merge the leads `ids` into the oldest, all or none: each field it lacks is taken from the first that has it.

    Each lead must still be open and look like the kept one (else MergeRefused naming it); the merge is
    contacts' (`merge.merge`): what points at a merged lead moves to the kept one, and it goes to the recycle bin.
    """
    ordered = sorted(set(ids))
    if len(ordered) < 2:
        raise merge.MergeRefused(_("Choose at least two leads to merge."))
    with records.atomic():
        kept = records.get(LEAD, ordered[0], user=user)
        for lead_id in ordered[1:]:
            other = records.get(LEAD, lead_id, user=user)
            if CONVERTED in (kept["status"], other["status"]) or not lead_reasons(kept, other):
                raise merge.MergeRefused(_("%(name)s (#%(id)s) is converted or no longer looks like the others; "
                                           "nothing in its group was merged.", name=duplicates.title(LEAD, other),
                                           id=other.id))
            picks = {name: "b" for name in merge.mergeable_fields(LEAD)
                     if kept.get(name) in (None, "") and other.get(name) not in (None, "")}
            kept = merge.merge(LEAD, kept.id, other.id, picks, user).survivor
    return GroupMerged(kept, len(ordered) - 1)

