"""The `Record` mixin: the columns every entity table has, built-in or custom."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any, ClassVar

from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy.orm import MappedColumn, mapped_column
from sqlalchemy.orm import Mapped

from ..fields import BUILTIN, Field, FieldType, Label
from ..fields.schemafields import INT32
from ..fields.sqltypes import UTCDateTime
from ..i18n import _l

SYSTEM_FIELDS = ("id", "owner_id", "team_id", "created_by", "created_at", "updated_by", "updated_at", "version",
                 "deleted_at")
# System fields a caller may set; the record service writes the others itself.
WRITABLE_SYSTEM_FIELDS = frozenset({"owner_id", "team_id"})


def _info(type_name: str, label: Label, **settings: Any) -> dict[str, Any]:
    return {"type": BUILTIN[type_name], "label": label, "system": True, "settings": settings}


def _system_columns() -> dict[str, MappedColumn[Any]]:
    """Fresh record columns on each call: SQLAlchemy binds a column to one table."""
    user = "core_user.id"
    return {
        "id": mapped_column("id", Integer, primary_key=True, sort_order=-10,
                            info=_info("integer", _l("ID"), max=INT32)),
        "owner_id": mapped_column("owner_id", Integer, ForeignKey(user), index=True, sort_order=-9,
                                  info=_info("user", _l("Owner"))),
        # The team that owns the record, besides its owner. No foreign key: plugins' first migrations made
        # their tables before core_team existed, and a team is removed only once no record names it.
        "team_id": mapped_column("team_id", Integer, index=True, sort_order=-8, info=_info("team", _l("Team"))),
        "created_by": mapped_column("created_by", Integer, ForeignKey(user), sort_order=90,
                                    info=_info("user", _l("Created by"))),
        "created_at": mapped_column("created_at", UTCDateTime(), nullable=False, sort_order=91,
                                    info=_info("datetime", _l("Created"))),
        "updated_by": mapped_column("updated_by", Integer, ForeignKey(user), sort_order=92,
                                    info=_info("user", _l("Updated by"))),
        "updated_at": mapped_column("updated_at", UTCDateTime(), nullable=False, index=True, sort_order=93,
                                    info=_info("datetime", _l("Updated"))),
        "version": mapped_column("version", Integer, nullable=False, default=1, sort_order=94,
                                 info=_info("integer", _l("Version"), max=INT32)),
        # No index: it is empty on nearly every row, and SQLite's planner, lacking statistics, would then
        # walk it for every list instead of the sort's index. The recycle bin is read rarely.
        "deleted_at": mapped_column("deleted_at", UTCDateTime(), sort_order=95,
                                    info=_info("datetime", _l("Deleted"))),
    }


def _line_columns(parent: str) -> dict[str, MappedColumn[Any]]:
    """The columns a line has besides the record's: its parent (removed with it) and its place among its siblings."""
    return {
        "parent_id": mapped_column("parent_id", Integer, ForeignKey(f"{parent}.id", ondelete="CASCADE"),
                                   nullable=False, index=True, sort_order=-7,
                                   info=_info("relation", _l("Belongs to"), target=parent)),
        "position": mapped_column("position", Integer, nullable=False, default=0, sort_order=-6,
                                  info=_info("integer", _l("Position"), max=INT32)),
    }


def line_columns(parent: str) -> list[Column[Any]]:
    """New copies of a line's own columns, for a plugin's `op.create_table(name, *record_columns(),
    *line_columns("ledger_order"), ...)`."""
    return [mapped.column for mapped in _line_columns(parent).values()]


def record_columns() -> list[Column[Any]]:
    """New copies of the record columns, for a plugin's `op.create_table(name, *record_columns(), ...)`."""
    return [mapped.column for mapped in _system_columns().values()]


@dataclass(frozen=True)
class EntityInfo:
    """What a built-in entity says about itself beyond its columns (`__entity__` on the model)."""

    label: Label
    plural: Label
    title: str | None = None
    search: tuple[str, ...] = ()
    list_columns: tuple[str, ...] = ()
    # Fields whose values, joined by spaces, name a record where `title` alone is too little
    # (("first_name", "last_name") for a person); `title` stays the field lists sort and link by.
    title_parts: tuple[str, ...] = ()
    # Or a pattern, where a record is named by more than words in a row: "{contact_id} — {deal_id}"; a relation
    # shows the related record's title, a select its option's label (entities/titles.py).
    title_pattern: str | None = None
    # Labels of field sections ({"billing": _l("Billing address")}): the form's headings, and each field of a
    # labelled section is named with it everywhere ("Billing address — City" in filters, columns, imports).
    sections: Mapping[str, Label] = dataclass_field(default_factory=dict)
    # Pages the plugin serves itself instead of the generic ones: {"detail": "inventory.item"}; the
    # endpoint takes `record_id` (a "list" endpoint takes nothing). Links everywhere then lead there.
    pages: Mapping[str, str] = dataclass_field(default_factory=dict)
    # The filter a list opens with when its URL asks for none ({"status__ne": "converted"}: converted leads
    # are left out until the user removes the filter, like any other).
    list_filter: Mapping[str, str] = dataclass_field(default_factory=dict)
    # When a record is locked (an issued invoice): `locked(values)` returns why, or None. A locked record and
    # its lines refuse update, delete and purge, save changes to `unlocked_fields` alone (docs/locks.md).
    locked: Callable[[Mapping[str, Any]], Any] | None = None
    unlocked_fields: tuple[str, ...] = ()
    # Records the recycle bin's retention job never purges: True for all, or `keep(values)` says which.
    keep: Callable[[Mapping[str, Any]], Any] | bool = False
    # The entity whose lines these records are ("ledger_order"): the table gets `parent_id` and `position`
    # (line_columns), and the lines are read, written, binned and audited with their parent (docs/lines.md).
    parent: str | None = None
    # On a parent: `compute(values, lines) -> Totals` works out line and document totals on every save and
    # for the form's live totals (trato.records.Totals, docs/lines.md).
    compute: Callable[[Mapping[str, Any], Mapping[str, list[dict[str, Any]]]], Any] | None = None


class Record:
    """Mix into a plugin's model to make it an entity: `class Deal(Record, Base)` (in that order).

    Gives the columns every record has: `id`, `owner_id`, `team_id`, `created_by/at`,
    `updated_by/at`, `version` (optimistic locking) and `deleted_at` (soft
    delete). For a field whose type needs more than one column (money's
    `<name>_currency`), the extra columns are added here, before SQLAlchemy
    maps the class. Set `__entity__ = EntityInfo(...)` on the model.
    """

    __entity__: ClassVar[EntityInfo]

    id: Mapped[int] = _system_columns()["id"]
    owner_id: Mapped[int | None] = _system_columns()["owner_id"]
    team_id: Mapped[int | None] = _system_columns()["team_id"]
    created_by: Mapped[int | None] = _system_columns()["created_by"]
    created_at: Mapped[datetime] = _system_columns()["created_at"]
    updated_by: Mapped[int | None] = _system_columns()["updated_by"]
    updated_at: Mapped[datetime] = _system_columns()["updated_at"]
    version: Mapped[int] = _system_columns()["version"]
    deleted_at: Mapped[datetime | None] = _system_columns()["deleted_at"]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        info = vars(cls).get("__entity__")
        if isinstance(info, EntityInfo) and info.parent:
            for name, column in _line_columns(info.parent).items():
                setattr(cls, name, column)
        for name, value in list(vars(cls).items()):
            ftype = value.column.info.get("type") if isinstance(value, MappedColumn) else None
            if isinstance(ftype, FieldType):
                probe = Field(name=name, type=ftype, label="", settings=value.column.info.get("settings", {}))
                for extra in ftype.columns(probe)[1:]:
                    if extra.name not in vars(cls):
                        setattr(cls, extra.name, mapped_column(extra.name, extra.type, info={"part_of": name}))
        super().__init_subclass__(**kwargs)
