"""A world to test record access in: every kind of entity, users around "me", and what the rules say.

`build_world(role)` makes an app with the contacts and trade plugins and a
custom entity, signs "me" in with `role`, and gives every registered entity
one record per relation to me (see RELATIONS): three of them, owned by
someone unrelated, are shared with me or my team. `Oracle` reads the role's
permission rows and the shares straight from the database and says what
each action should answer; it shares no code with the policy it checks.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import column, or_, select, table
from trato_contacts import plugin as contacts_plugin
from werkzeug.datastructures import MultiDict
from trato_trade import plugin as trade_plugin

from trato import records, tokens
from trato.entities import Entity
from trato.models import User
from trato.roles import shares
from trato.roles.models import Role, RolePermission, Team
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.testing import signed_in_client

# Who owns each test record, as seen from "me"; the last three are someone unrelated's, shared with me to see,
# with me to change, and with my team to change.
RELATIONS = ("mine", "teammate", "subordinate", "team_owned", "unrelated", "shared_view", "shared_edit",
             "team_shared")
SHARED = {"shared_view": ("user", "view"), "shared_edit": ("user", "edit"), "team_shared": ("team", "edit")}
# Within a `team` scope: mine, my teams' members', my subordinates', and my teams' own records.
TEAM_RELATIONS = frozenset({"mine", "teammate", "subordinate", "team_owned"})
# The default roles, a role with no permission row at all, one whose custom entity's row allows nothing, and
# one that sees all, changes its own and its team's, and deletes its own (its custom entity's row: the reverse
# of the default's widths, all but delete).
ROLES = ("administrator", "sales_manager", "sales_rep", "read_only", "nobody", "partial", "see_all")
ACTIONS = ("view", "create", "edit", "delete", "import", "export")
CUSTOM = "x_gadget"

SCOPES = ("scope", "edit_scope", "delete_scope")
PERMISSIONS = table("core_role_permission", column("role_id"), column("entity"), *(column(s) for s in SCOPES),
                    *(column(f"can_{action}") for action in ACTIONS))
# Which scope column limits an action; the others are limited by what the user sees.
SCOPE_OF = {"edit": "edit_scope", "delete": "delete_scope", "restore": "delete_scope"}
SHARES = table("core_record_share", column("entity"), column("record_id"), column("user_id"), column("team_id"),
               column("access"))
# The share accesses that open a record to an action (none opens deleting or restoring).
SHARE_OPENS = {"view": {"view", "edit"}, "edit": {"edit"}}


@dataclass(frozen=True)
class Oracle:
    """What the role's rows say, by entity: read from the table, decided here."""

    admin: bool
    rows: dict[str, dict[str, Any]]
    shared: dict[str, dict[str, set[str]]] = field(default_factory=dict)  # entity -> relation -> share accesses

    def row(self, entity: str) -> dict[str, Any] | None:
        return self.rows.get(entity) or self.rows.get("*")

    def may(self, entity: str, action: str) -> bool:
        row = self.row(entity)
        return self.admin or bool(row and row[f"can_{action}"])

    def covers(self, entity: str, relation: str, action: str = "view") -> bool:
        """Whether the scope that limits `action` holds the record of `relation`."""
        if self.admin:
            return True
        row = self.row(entity)
        if not row or not row["can_view"]:
            return False
        scope = row[SCOPE_OF.get(action, "scope")]
        if {"all": True, "team": relation in TEAM_RELATIONS, "own": relation == "mine"}[scope]:
            return True
        return bool(self.shared.get(entity, {}).get(relation, set()) & SHARE_OPENS.get(action, set()))

    def sees(self, entity: str, relation: str) -> bool:
        return self.covers(entity, relation)

    def answer(self, entity: str, relation: str, action: str, ok: int) -> int:
        """The status of `action` on the record of `relation`: refused (403), not found (404) or `ok`.

        Reading comes first (an entity the role may not view is refused),
        then the scope (a record outside it is not found), then the action,
        then the action's own scope (a record seen but outside it is refused).
        """
        needed = "delete" if action == "restore" else action
        if action != "restore" and not self.may(entity, "view"):
            return 403
        if action == "restore" and not self.may(entity, "delete"):
            return 403
        if not self.sees(entity, relation):
            return 404
        if not self.may(entity, needed):
            return 403
        return ok if self.covers(entity, relation, action) else 403

    def share_answer(self, entity: str, relation: str) -> int:
        """Sharing the record of `relation`: for its owner and whoever may change it (201)."""
        answer = self.answer(entity, relation, "view", 201)
        if answer != 201 or relation == "mine":
            return answer
        return 201 if self.answer(entity, relation, "edit", 201) == 201 else 403


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


def _role(session: Any, name: str, parent: str | None, rows: dict[str, tuple[Any, ...]]) -> Role:
    """A role with rows `{entity: (actions, scope[, edit_scope, delete_scope])}`."""
    parent_id = session.scalar(select(Role.id).where(Role.name == parent)) if parent else None
    role = Role(name=name, label={"en": name}, parent_id=parent_id, is_admin=False, builtin=False, position=9)
    session.add(role)
    session.flush()
    for entity, (actions, *scopes) in rows.items():
        session.add(RolePermission(role_id=role.id, entity=entity, **dict(zip(SCOPES, scopes)),
                                   **{f"can_{a}": a in actions for a in ACTIONS}))
    return role


def _read_oracle(app: Flask, role_name: str, me: User, team_id: int, ids: dict[str, dict[str, int]]) -> Oracle:
    """The role's rows, and the accesses of the shares with `me` or my team, by entity and relation."""
    relation_of = {(entity, record_id): relation for entity, by in ids.items() for relation, record_id in by.items()}
    with app.extensions["trato"].sessionmaker() as session:
        role = session.scalar(select(Role).where(Role.name == role_name))
        rows = {row["entity"]: dict(row) for row in
                session.execute(select(PERMISSIONS).where(PERMISSIONS.c.role_id == role.id)).mappings()}
        shared: dict[str, dict[str, set[str]]] = {}
        for share in session.execute(select(SHARES).where(or_(SHARES.c.user_id == me.id,
                                                              SHARES.c.team_id == team_id))).mappings():
            relation = relation_of[(share["entity"], share["record_id"])]
            shared.setdefault(share["entity"], {}).setdefault(relation, set()).add(share["access"])
        return Oracle(bool(role.is_admin), rows, shared)


@pytest.fixture
def build_world(make_app: Any, make_user: Callable[..., User]) -> Iterator[Callable[[str], World]]:
    def build(role_name: str) -> World:
        app = make_app(plugins=["contacts", "trade"],
                       extra_plugins={"contacts": contacts_plugin, "trade": trade_plugin})
        with app.app_context():
            create_entity(EntitySpec("gadget", {"en": "Gadget", "es": "Artilugio"},
                                     {"en": "Gadgets", "es": "Artilugios"},
                                     [FieldSpec("label", "text", {"en": "Label"}, required=True),
                                      FieldSpec("serial", "text", {"en": "Serial"})]))
        everything = (ACTIONS, "all")
        with app.extensions["trato"].sessionmaker() as session:
            _role(session, "nobody", None, {})
            _role(session, "partial", "administrator", {"*": everything, CUSTOM: ((), "own")})
            _role(session, "see_all", "administrator", {"*": (ACTIONS, "all", "team", "own"),
                                                        CUSTOM: (("view", "edit", "delete"), "team", "own", "team")})
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
                  "unrelated": make_user(name="Unrelated", role="field_rep", app=app),
                  "bystander": make_user(name="Bystander", role="field_rep", app=app)}  # owns nothing: shared with
        world = World(app, me, people, team_id, Oracle(False, {}))
        owners = {"mine": (me.id, None), "teammate": (people["teammate"].id, None),
                  "subordinate": (people["subordinate"].id, None), "team_owned": (people["unrelated"].id, team_id)}
        owners |= {relation: (people["unrelated"].id, None) for relation in ("unrelated", *SHARED)}
        with app.test_request_context():
            for entity in world.entities():
                made = records.bulk_create(entity, [
                    sample_values(entity, f"{relation}-{entity.name}") | {"owner_id": owner, "team_id": team}
                    for relation, (owner, team) in owners.items()], user=None)
                world.ids[entity.name] = {relation: record.id for relation, record in zip(owners, made)}
                for relation, (grantee, level) in SHARED.items():
                    shares.share(entity, world.ids[entity.name][relation], user=None, level=level,
                                 **({"to_user": me.id} if grantee == "user" else {"to_team": team_id}))
        world.oracle = _read_oracle(app, role_name, me, team_id, world.ids)
        with app.extensions["trato"].sessionmaker() as session:
            world.token = tokens.create(session, session.get(User, me.id), "matrix", tokens.WRITE, None)[1]
            session.commit()
        return world

    yield build
