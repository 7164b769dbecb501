"""Which column of the file fills which field: found by name or label, chosen by the user, remembered.

A header matches a field when, ignoring case, accents and separators, it
reads like the field's name or its label in English or Spanish ("Correo
electrónico", "EMAIL", "fecha_alta"). The user's own choices win, then the
ones remembered from their last import of the entity, then the match.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from .. import access, db
from ..entities import Entity
from ..entities.record import WRITABLE_SYSTEM_FIELDS
from ..fields import Field, FileType
from ..fields.definition import every_language
from ..i18n import _
from .errors import TransferError
from .models import ImportMapping

IGNORE = ""  # mapped to no field: the column is left out


def normalise(text: str) -> str:
    """`text` without case, accents or separators, for comparing headers with names and labels."""
    plain = unicodedata.normalize("NFKD", str(text))
    plain = "".join(char for char in plain if not unicodedata.combining(char)).casefold()
    for separator in "_-.:/":
        plain = plain.replace(separator, " ")
    return " ".join(plain.split())


def spellings(field: Field) -> set[str]:
    """The normalised texts that name `field`: its name, and its label in every language."""
    return ({normalise(field.name), normalise(field.name.removeprefix("cf_"))}
            | {normalise(text) for text in every_language(field.label)})


def importable(entity: Entity, user: Any, mode: str) -> dict[str, Field]:
    """The fields `user` may fill from a file: not hidden from them, not read-only, not system-kept.

    `id` is there to find records to update (so an exported file imported
    to create records leaves it out); files come as uploads, never as text.
    """
    rules = access.field_rules(user, entity)
    return {name: f for name, f in entity.fields.items()
            if (not f.system or name in WRITABLE_SYSTEM_FIELDS or (name == "id" and mode != "create"))
            and not f.system_set and not isinstance(f.type, FileType) and name not in rules}


def find_field(entity: Entity, text: str) -> Field:
    """The field `text` names (by name or label), for choices typed by a person; TransferError otherwise."""
    wanted = normalise(text)
    for field in entity.fields.values():
        if field.name == text or wanted in spellings(field):
            return field
    raise TransferError(_("%(entity)s has no field called “%(field)s”.", entity=entity.text, field=text))


def remembered(entity: Entity, user: Any) -> dict[str, str]:
    """The mapping `user` chose last time for `entity`, by normalised header."""
    if user is None:
        return {}
    row = db.session().get(ImportMapping, (user.id, entity.name))
    return dict(row.mapping) if row else {}


def remember(entity: Entity, user: Any, mapping: Mapping[str, str], header: Iterable[str]) -> None:
    """Keep `mapping` (header to field, every column of `header`) for `user`'s next import of `entity`."""
    if user is None:
        return
    session = db.session()
    chosen = {normalise(column): mapping.get(column, IGNORE) for column in header if column}
    row = session.get(ImportMapping, (user.id, entity.name))
    if row is None:
        session.add(ImportMapping(user_id=user.id, entity=entity.name, mapping=chosen))
    else:
        row.mapping = chosen
    session.commit()


def map_columns(entity: Entity, header: Iterable[str], user: Any, mode: str,
                overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """{column: field name} for the columns that fill a field: overrides, then remembered, then matched.

    An override names a column and a field by name or label, or "" to leave the column out.
    """
    fields = importable(entity, user, mode)
    by_spelling: dict[str, str] = {}
    for name, field in fields.items():
        for spelling in spellings(field):
            by_spelling.setdefault(spelling, name)
    memory = remembered(entity, user)
    chosen = {normalise(column): choice for column, choice in (overrides or {}).items()}
    header = list(header)
    unknown = set(chosen) - {normalise(column) for column in header}
    if unknown:
        raise TransferError(_("The file has no column called “%(column)s”.", column=sorted(unknown)[0]))
    mapping: dict[str, str] = {}
    for column in header:
        key = normalise(column)
        if not key:
            continue
        if key in chosen:
            target = chosen[key] and find_field(entity, chosen[key]).name
        elif key in memory and (memory[key] == IGNORE or memory[key] in fields):
            target = memory[key]
        else:
            target = by_spelling.get(key, IGNORE)
        if target:
            mapping[column] = target
    return mapping


def check_mapping(entity: Entity, mapping: Mapping[str, str], user: Any, mode: str, key: str | None) -> None:
    """Refuse, before any row is read, a mapping that cannot work: TransferError naming the problem."""
    fields = importable(entity, user, mode)
    seen: dict[str, str] = {}
    for column, name in mapping.items():
        if name in entity.fields and name not in fields:
            raise TransferError(_("The field “%(field)s” (column “%(column)s”) cannot be imported.",
                                  field=entity.fields[name].text, column=column))
        if name not in entity.fields:
            raise TransferError(_("%(entity)s has no field called “%(field)s”.", entity=entity.text, field=name))
        if name in seen:
            raise TransferError(_("The columns “%(first)s” and “%(second)s” both fill the field “%(field)s”.",
                                  first=seen[name], second=column, field=entity.fields[name].text))
        seen[name] = column
    if not mapping:
        raise TransferError(_("No column of the file matches a field of %(entity)s. Does the first row hold "
                              "the column names?", entity=entity.text))
    if mode != "update":
        for field in entity.fields.values():
            if field.required and field.default is None and not field.system and field.name not in seen:
                raise TransferError(_("Missing required column: “%(field)s”.", field=field.text))
    if mode != "create":
        if not key:
            raise TransferError(_("Choose the key field that finds the records to update."))
        if key not in seen:
            raise TransferError(_("The key field “%(field)s” has no column in the file.",
                                  field=entity.fields[key].text if key in entity.fields else key))
