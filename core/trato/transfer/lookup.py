"""Relation and user cells: a record named by its title (or `#id`), a person by email or name.

One query per reference column and batch of rows, never one per row. A
name that matches nothing, or several records, is a row error naming the
value; the query is scoped like every read, so a record the user may not
see is not found.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from flask import current_app
from sqlalchemy import func, or_, select

from .. import db, records
from ..access import PermissionRefused
from ..entities import Entity
from ..fields import Field, FieldValueError, UserType
from ..i18n import _
from ..models import User

BY_ID = re.compile(r"^#(\d{1,10})$")


def _target(field: Field) -> Entity:
    return current_app.extensions["trato"].entities.get(field.type.target(field))


def _candidates(field: Field, wanted: set[str], user: Any) -> list[tuple[int, list[str]]]:
    """(id, [texts that name it]) of the records or users some of `wanted` (lower case) may name."""
    if isinstance(field.type, UserType):
        rows = db.session().execute(select(User.id, User.email, User.name).where(
            or_(func.lower(User.email).in_(wanted), func.lower(User.name).in_(wanted))))
        return [(row.id, [row.email, row.name]) for row in rows]
    target = _target(field)
    if not target.title_field:
        return []
    title = target.fields[target.title_field]
    expression = title.type.expression(title, target.table)
    try:
        stmt = records.query(target, user=user).statement().where(func.lower(expression).in_(wanted))
    except PermissionRefused:  # the user sees none of them: none matches
        return []
    return [(row["id"], [target.title_of(target.values(row))]) for row in db.session().execute(stmt).mappings()]


def resolve(field: Field, texts: Iterable[str], user: Any) -> dict[str, int | FieldValueError]:
    """For each text of a reference column, the id it names or the error saying why it names none."""
    texts = set(texts)
    found: dict[str, int | FieldValueError] = {}
    by_name = set()
    for text in texts:
        match = BY_ID.match(text)
        if match:
            found[text] = int(match.group(1))
        else:
            by_name.add(text)
    if not by_name:
        return found
    matches: dict[str, set[int]] = {}
    for record_id, names in _candidates(field, {t.casefold() for t in by_name}, user):
        for name in names:
            matches.setdefault(str(name).casefold(), set()).add(record_id)
    what = _("user") if isinstance(field.type, UserType) else _target(field).text
    for text in by_name:
        ids = matches.get(text.casefold(), set())
        if len(ids) == 1:
            found[text] = next(iter(ids))
        elif not ids:
            found[text] = FieldValueError(_("No %(entity)s matches “%(value)s”.", entity=what, value=text))
        else:
            found[text] = FieldValueError(_("%(count)s %(entity)s records match “%(value)s”; write #id to choose "
                                            "one.", count=len(ids), entity=what, value=text))
    return found


def titles(field: Field, ids: set[int], user: Any) -> dict[int, str]:
    """The text that names each of `ids` in a file: a record's title, a user's email."""
    if not ids:
        return {}
    if isinstance(field.type, UserType):
        return dict(db.session().execute(select(User.id, User.email).where(User.id.in_(ids))).all())
    target = _target(field)
    try:
        stmt = records.query(target, user=user).statement().where(target.table.c.id.in_(ids))
    except PermissionRefused:  # the user sees none of them: written as #id
        return {}
    return {row["id"]: target.title_of(target.values(row)) for row in db.session().execute(stmt).mappings()}
