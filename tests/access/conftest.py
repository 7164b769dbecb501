"""A world to test record access in: every kind of entity, users around "me", and what the rules say.

`build_world(role)` makes an app with the contacts and trade plugins and a
custom entity, signs "me" in with `role`, and gives every registered entity
one record per relation to me (see RELATIONS). `Oracle` reads the role's
permission rows straight from the database and says what each action should
answer; it shares no code with the policy it checks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import column, select, table
from trato_contacts import plugin as contacts_plugin
from werkzeug.datastructures import MultiDict
from trato_trade import plugin as trade_plugin

from trato import records, tokens
from trato.entities import Entity
from trato.models import User
from trato.roles.models import Role, RolePermission, Team
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.testing import signed_in_client

# Who owns each test record, as seen from "me".
RELATIONS = ("mine", "teammate", "subordinate", "team_owned", "unrelated")
# Within a `team` scope: mine, my teams' members', my subordinates', and my teams' own records.
TEAM_RELATIONS = frozenset({"mine", "teammate", "subordinate", "team_owned"})
# The default roles, a role with no permission row at all, and one whose custom entity's row allows nothing.
ROLES = ("administrator", "sales_manager", "sales_rep", "read_only", "nobody", "partial")
ACTIONS = ("view", "create", "edit", "delete", "import", "export")
CUSTOM = "x_gadget"

PERMISSIONS = table("core_role_permission", column("role_id"), column("entity"), column("scope"),
                    *(column(f"can_{action}") for action in ACTIONS))


@dataclass(frozen=True)
class Oracle:
    """What the role's rows say, by entity: read from the table, decided here."""

    admin: bool
    rows: dict[str, dict[str, Any]]

    def row(self, entity: str) -> dict[str, Any] | None:
        return self.rows.get(entity) or self.rows.get("*")

    def may(self, entity: str, action: str) -> bool:
        row = self.row(entity)
        return self.admin or bool(row and row[f"can_{action}"])

    def sees(self, entity: str, relation: str) -> bool:
        if self.admin:
            return True
        row = self.row(entity)
        if not row or not row["can_view"]:
            return False
        return {"all": True, "team": relation in TEAM_RELATIONS, "own": relation == "mine"}[row["scope"]]

    def answer(self, entity: str, relation: str, action: str, ok: int) -> int:
        """The status of `action` on the record of `relation`: refused (403), not found (404) or `ok`.

        Reading comes first (an entity the role may not view is refused),
        then the scope (a record outside it is not found), then the action.
        """
        if action != "restore" and not self.may(entity, "view"):
            return 403
        if action == "restore" and not self.may(entity, "delete"):
            return 403
        if not self.sees(entity, relation):
            return 404
        return ok if action in ("view", "restore") or self.may(entity, action) else 403


@dataclass
class World:
    app: Flask
    me: User
    people: dict[str, User]
    team_id: int
    oracle: Oracle
    ids: dict[str, dict[str, int]] = field(default_factory=dict)  # entity -> relation -> record id
    token: str = ""

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} | kwargs.pop("headers", {})
        return self.app.test_client().open(f"/api/v1/{path}", method=method, headers=headers, **kwargs)

    def html(self) -> FlaskClient:
        return signed_in_client(self.app, self.me)

    def entities(self) -> list[Entity]:
        return list(self.app.extensions["trato"].entities.all())

    def system_get(self, entity: str, record_id: int) -> Any:
        with self.app.test_request_context():
            return records.get(entity, record_id, user=None)

    def in_bin(self, entity: str, record_id: int) -> bool:
        with self.app.test_request_context():
            query = records.query(entity, user=None, deleted=True).where({"id": record_id})
            return query.count().value == 1


class FormReader(HTMLParser):
    """The pairs a browser would submit from the page's form posting to `action`: enabled controls,
    checked boxes, selected options, textareas' text."""

    def __init__(self, html: str, action: str) -> None:
        super().__init__()
        self.action = action
        self.pairs: list[tuple[str, str]] = []
        self._form = 0  # 1 inside the form, 2 after it
        self._select: tuple[str, list[str], bool] | None = None  # name, selected values, first option's value
        self._first: str | None = None
        self._textarea: str | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and self._form == 0 and a.get("action") == self.action:
            self._form = 1
        if self._form != 1 or "disabled" in a:
            return
        name = a.get("name")
        if tag == "input" and name and (a.get("type") != "checkbox" or "checked" in a):
            self.pairs.append((name, a.get("value") or ("on" if a.get("type") == "checkbox" else "")))
        elif tag == "select" and name:
            self._select, self._first = (name, [], "multiple" in a), None
        elif tag == "option" and self._select is not None:
            if self._first is None:
                self._first = a.get("value") or ""
            if "selected" in a:
                self._select[1].append(a.get("value") or "")
        elif tag == "textarea" and name:
            self._textarea = name
            self.pairs.append((name, ""))

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            name, text = self.pairs.pop()
            self.pairs.append((name, text + data))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._form == 1:
            self._form = 2
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None:
            name, chosen, multiple = self._select
            if not chosen and not multiple and self._first is not None:
                chosen = [self._first]
            self.pairs += [(name, value) for value in chosen]
            self._select = None


def form_data(html: str, action: str, **changes: Any) -> MultiDict[str, str]:
    """What submitting the page's form to `action` sends, with `changes` typed over."""
    pairs = [(k, v) for k, v in FormReader(html, action).pairs if k not in changes]
    return MultiDict(pairs + [(k, str(v)) for k, v in changes.items()])


def sample_values(entity: Entity, text: str, defaults: bool = False) -> dict[str, Any]:
    """Values for every required field without a default (with `defaults`, as a person filling in a form,
    the default of the others), each text one set to `text`."""
    samples = {"text": text, "long_text": text, "email": "someone@example.com", "url": "https://example.com",
               "phone": "+34 600 000 000", "integer": 1, "decimal": "1", "boolean": True, "date": "2026-01-01"}
    values: dict[str, Any] = {}
    for f in entity.fields.values():
        if f.system or not f.required:
            continue
        if f.default is not None:
            if defaults and f.type.name != "boolean":  # an unticked box already says False
                values[f.name] = f.default
        elif f.type.name == "select":
            values[f.name] = f.options[0].value
        elif f.type.name in samples:
            values[f.name] = samples[f.type.name]
        else:
            pytest.fail(f"tests/access/conftest.py: teach sample_values a value for {f.type.name} ({entity.name})")
    return values


def title_field(entity: Entity) -> str:
    """The required text field the tests name records by."""
    return next(f.name for f in entity.fields.values()
                if f.required and not f.system and f.type.name == "text" and f.default is None)


def _role(session: Any, name: str, parent: str | None, rows: dict[str, tuple[tuple[str, ...], str]]) -> Role:
    parent_id = session.scalar(select(Role.id).where(Role.name == parent)) if parent else None
    role = Role(name=name, label={"en": name}, parent_id=parent_id, is_admin=False, builtin=False, position=9)
    session.add(role)
    session.flush()
    for entity, (actions, scope) in rows.items():
        session.add(RolePermission(role_id=role.id, entity=entity, scope=scope,
                                   **{f"can_{a}": a in actions for a in ACTIONS}))
    return role


def _read_oracle(app: Flask, role_name: str) -> Oracle:
    with app.extensions["trato"].sessionmaker() as session:
        role = session.scalar(select(Role).where(Role.name == role_name))
        rows = {row["entity"]: dict(row) for row in
                session.execute(select(PERMISSIONS).where(PERMISSIONS.c.role_id == role.id)).mappings()}
        return Oracle(bool(role.is_admin), rows)


@pytest.fixture
def build_world(make_app: Any, make_user: Callable[..., User]) -> Iterator[Callable[[str], World]]:
    def build(role_name: str) -> World:
        app = make_app(plugins=["contacts", "trade"],
                       extra_plugins={"contacts": contacts_plugin, "trade": trade_plugin})
        with app.app_context():
            create_entity(EntitySpec("gadget", {"en": "Gadget", "es": "Artilugio"}, {"en": "Gadgets", "es": "Artilugios"},
                                     [FieldSpec("label", "text", {"en": "Label"}, required=True),
                                      FieldSpec("serial", "text", {"en": "Serial"})]))
        everything = (ACTIONS, "all")
        with app.extensions["trato"].sessionmaker() as session:
            _role(session, "nobody", None, {})
            _role(session, "partial", "administrator", {"*": everything, CUSTOM: ((), "own")})
            # Reports to administrator: below no one but the administrator.
            _role(session, "field_rep", "administrator", {"*": (("view", "create", "edit", "delete"), "own")})
            _role(session, "trainee", role_name, {"*": (("view", "create", "edit", "delete"), "own")})
            team = Team(name="Mine")
            session.add(team)
            session.commit()
            team_id = team.id
        me = make_user(name="Me", role=role_name, teams=[team_id], app=app)
        people = {"teammate": make_user(name="Teammate", role="field_rep", teams=[team_id], app=app),
                  "subordinate": make_user(name="Subordinate", role="trainee", app=app),
                  "unrelated": make_user(name="Unrelated", role="field_rep", app=app)}
        world = World(app, me, people, team_id, _read_oracle(app, role_name))
        owners = {"mine": (me.id, None), "teammate": (people["teammate"].id, None),
                  "subordinate": (people["subordinate"].id, None), "team_owned": (people["unrelated"].id, team_id),
                  "unrelated": (people["unrelated"].id, None)}
        with app.test_request_context():
            for entity in world.entities():
                made = records.bulk_create(entity, [
                    sample_values(entity, f"{relation}-{entity.name}") | {"owner_id": owner, "team_id": team}
                    for relation, (owner, team) in owners.items()], user=None)
                world.ids[entity.name] = {relation: record.id for relation, record in zip(owners, made)}
        with app.extensions["trato"].sessionmaker() as session:
            world.token = tokens.create(session, session.get(User, me.id), "matrix", tokens.WRITE, None)[1]
            session.commit()
        return world

    yield build
