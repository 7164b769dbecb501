"""Record values as people read them, for any entity: the list cells and detail fields of generic views.

A `Presenter` formats a batch of records at once so that related records'
titles and users' names are looked up with one query per target, never one
per row: a 50-row list with three relation columns costs three reads.
"""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import current_app, url_for
from flask_babel import format_date, format_datetime, format_decimal

from . import access, records
from .directory import team_names, user_names
from .entities import Entity, EntityRegistry, UnknownEntity
from .fields import Field, Money, localize
from .formatting import money, percent
from .i18n import _
from .records import RecordData
from .records.links import title_text
from .records.links import titles as link_titles


@dataclass(frozen=True)
class Shown:
    """One field of one record as shown: label, text and, for links, where it points."""

    name: str
    label: str
    text: str
    href: str | None = None
    cell: str = "text"
    section: str | None = None


def visible_fields(entity: Entity, user: Any, names: Iterable[str] | None = None) -> list[Field]:
    """The fields of `entity` (or those named) that the user's role does not hide, in form order."""
    hidden = {name for name, rule in access.field_rules(user, entity).items() if rule == "hidden"}
    chosen = entity.fields.values() if names is None else [entity.fields[n] for n in names if n in entity.fields]
    return [f for f in chosen if f.name not in hidden]


# A record id no page has, put in a URL once to find where every other id goes.
_PROBE_ID = 918273645


def id_url(endpoint: str, **values: Any) -> Callable[[int], str]:
    """`url_for(endpoint, record_id=…, **values)` as a function of the id, for pages that link many records.

    It builds one URL and fills the id in for each row, since `url_for`
    (routing rules, defaults, escaping) would cost more than the rest of a
    list cell.
    """
    head, _probe, tail = url_for(endpoint, record_id=_PROBE_ID, **values).rpartition(str(_PROBE_ID))
    return lambda record_id: f"{head}{record_id}{tail}"


def record_urls(entity: Entity | str) -> Callable[[int], str]:
    """Where the records of `entity` have their page: its plugin's own page when it declares one
    (EntityInfo.pages), else the generic one; as a function of the record's id."""
    e = entities().get(entity) if isinstance(entity, str) else entity
    endpoint = e.pages.get("detail")
    if endpoint:
        return id_url(endpoint)
    return id_url("records.detail", entity=e.name)


def record_url(entity: Entity | str, record_id: int) -> str:
    """Where a record's page is (see `record_urls`)."""
    return record_urls(entity)(record_id)


class Presenter:
    """Formats the fields of a batch of records of one entity, for one user."""

    def __init__(self, entity: Entity, items: Sequence[RecordData], user: Any,
                 fields: Sequence[Field] | None = None) -> None:
        self.entity = entity
        self.user = user
        self.fields = list(fields) if fields is not None else visible_fields(entity, user)
        self.labels = {f.name: localize(f.label) for f in self.fields}
        self.options = {f.name: {o.value: o.text for o in f.options} for f in self.fields
                        if f.type.cell in ("badge", "badges")}
        self.titles = self._titles(items)
        self.links = {target: record_urls(target) for target in self.titles}
        self.users = self._users(items)
        self.teams = self._teams(items)
        self.linked = link_titles((r.get(f.name) for f in self.fields if f.type.cell == "record_link" for r in items),
                                  user)  # a link's target by its title, None where the user may not see it
        self.links |= {link.entity: record_urls(link.entity) for link, title in self.linked.items()
                       if title is not None and link.entity not in self.links}

    def _titles(self, items: Sequence[RecordData]) -> dict[str, dict[int, str]]:
        """Titles of the related records the user may see, by target entity and id."""
        wanted: dict[str, set[int]] = defaultdict(set)
        for f in self.fields:
            if f.type.cell == "relation":
                wanted[f.type.target(f)].update(r[f.name] for r in items if r.get(f.name))
        titles: dict[str, dict[int, str]] = {}
        for target, ids in wanted.items():
            if not ids:
                continue
            try:
                related = entities().get(target)
                found = records.query(related, user=self.user).where({"id__in": sorted(ids)}).page(limit=len(ids))
            except (UnknownEntity, access.PermissionRefused):
                continue  # a disabled plugin's entity, or one the user may not view: ids stay bare
            titles[target] = {r.id: related.title_of(r) for r in found.items}
        return titles

    def _users(self, items: Sequence[RecordData]) -> dict[int, str]:
        return user_names(r[f.name] for f in self.fields if f.type.cell == "user" for r in items)

    def _teams(self, items: Sequence[RecordData]) -> dict[int, str]:
        return team_names(r[f.name] for f in self.fields if f.type.cell == "team" for r in items)

    def label(self, name: str) -> str:
        return localize(self.entity.fields[name].label)

    def show(self, record: RecordData, f: Field) -> Shown:
        value = record.get(f.name)
        text, href = self._text(f, value), None
        if value not in (None, "", []):
            if f.type.cell == "relation":
                target = f.type.target(f)
                if value in self.titles.get(target, {}):
                    href = self.links[target](value)
                else:
                    text = f"#{value}"
            elif f.type.cell == "record_link":
                title = self.linked.get(value)
                text, href = title_text(title), None if title is None else self.links[value.entity](value.id)
            elif f.type.cell == "url":
                href = value
            elif f.type.cell == "email":
                href = f"mailto:{value}"
            elif f.type.cell == "phone":
                href = "tel:" + "".join(ch for ch in str(value) if ch.isdigit() or ch == "+")
        return Shown(f.name, self.labels.get(f.name) or localize(f.label), text, href, f.type.cell, f.section)

    def _text(self, f: Field, value: Any) -> str:
        if value is None or value == "" or value == []:
            return ""
        cell = f.type.cell
        if cell == "relation":
            return self.titles.get(f.type.target(f), {}).get(value, "")
        if cell == "user":
            return self.users.get(value, f"#{value}")
        if cell == "team":
            return self.teams.get(value, f"#{value}")
        if cell in ("badge", "badges"):
            labels = self.options.get(f.name) or {o.value: o.text for o in f.options}
            values = value if isinstance(value, list) else [value]
            return ", ".join(labels.get(v, str(v)) for v in values)
        if cell == "boolean":
            return _("Yes") if value else _("No")
        if cell == "date":
            return format_date(value, "medium")
        if cell == "datetime":
            return format_datetime(value, "medium")
        if cell == "money" and isinstance(value, Money):
            return money(value.amount, value.currency) if value.currency != "XXX" else format_decimal(value.amount)
        if cell == "number":
            return format_decimal(value)
        if cell == "percent":
            return percent(value)
        if cell == "file" and isinstance(value, dict):
            return str(value.get("name", ""))
        return f.type.format(f, value)

    def row(self, record: RecordData) -> list[Shown]:
        return [self.show(record, f) for f in self.fields]


def entities() -> EntityRegistry:
    """The entities of the enabled plugins and the custom ones, as this worker knows them now."""
    return current_app.extensions["trato"].entities  # type: ignore[no-any-return]
