"""Record values as people read them: option labels, dates in their language, related records' names."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from flask import url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import column, select, table

from trato import Record, RecordData, access, records
from trato import session as db_session
from trato.fields import localize

from .forms import entity_columns, options_of, yes_no

# The core's user table, read by name for owners' names (plugins do not import the core's models).
USERS = table("core_user", column("id"), column("name"))


@dataclass(frozen=True)
class Shown:
    """One field of a record as shown: its label, its text and, for links, where it points."""

    name: str
    label: str
    text: str
    href: str | None = None
    section: str | None = None


def account_titles(ids: Iterable[int], user: Any) -> dict[int, str]:
    """The names of the accounts `ids` that `user` may see."""
    wanted = sorted({i for i in ids if i})
    if not wanted:
        return {}
    found = records.query("contacts_account", user=user).where({"id__in": wanted}).page(limit=len(wanted))
    return {r.id: r["name"] for r in found.items}


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db_session().execute(select(USERS.c.id, USERS.c.name).where(USERS.c.id.in_(wanted))).all())


class Presenter:
    """Formats the fields of a batch of records, looking up related names once per batch."""

    def __init__(self, model: type[Record], items: Sequence[RecordData], user: Any) -> None:
        self.hidden = access.hidden_fields(user, model.__tablename__)
        self.columns = {c.name: c for c in entity_columns(model) if c.name not in self.hidden}
        relations = [n for n, c in self.columns.items() if c.info["type"].widget == "relation"]
        self.accounts = account_titles((r[n] for r in items for n in relations), user)
        self.owners = user_names(r["owner_id"] for r in items)

    def label(self, name: str) -> str:
        if name == "owner_id":
            return _("Owner")
        return localize(self.columns[name].info["label"])

    def show(self, record: RecordData, name: str) -> Shown:
        value = record.get(name)
        if name in self.hidden:
            return Shown(name, "", "")
        if name == "owner_id":
            return Shown(name, self.label(name), self.owners.get(value, "") if value else "")
        column = self.columns[name]
        widget = column.info["type"].widget
        text, href = "", None
        if value is None or value == "":
            text = ""
        elif widget == "select":
            text = dict(options_of(column)).get(value, value)
        elif widget == "checkbox":
            text = yes_no(value)
        elif widget == "date":
            text = format_date(value, "long")
        elif widget == "relation":
            text = self.accounts.get(value, f"#{value}")
            href = url_for("contacts.account", record_id=value) if value in self.accounts else None
        elif widget in ("url", "email"):
            text, href = value, value if widget == "url" else f"mailto:{value}"
        else:
            text = str(value)
        return Shown(name, self.label(name), text, href, column.info.get("section"))

    def fields(self, record: RecordData) -> list[Shown]:
        """Every filled-in field of `record`, in the model's order."""
        shown = [self.show(record, name) for name in self.columns]
        return [s for s in shown if s.text]
