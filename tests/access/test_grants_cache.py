"""Grants kept across requests: every change to what they are made of reaches the next request.

The policy keeps each user's grants until the `roles` counter moves, so
each test changes one ingredient the way some other process would (its own
session, no admin screen) and checks the very next request of the same
app answers by the new state.
"""
from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import delete, select, update
from trato_contacts import plugin as contacts_plugin
from trato_trade import plugin as trade_plugin

from trato import counters
from trato.models import Counter, User
from trato.roles.models import Role, RoleFieldRule, RolePermission, Team, TeamMember

from .test_rules import Api, make


@pytest.fixture
def app(make_app):
    return make_app(plugins=["contacts", "trade"], extra_plugins={"contacts": contacts_plugin, "trade": trade_plugin})


def roles_counter(app: Any) -> int:
    with app.extensions["trato"].sessionmaker() as session:
        return session.scalar(select(Counter.value).where(Counter.name == counters.ROLES)) or 0


def change(app: Any, *statements: Any) -> None:
    with app.extensions["trato"].sessionmaker() as session, session.begin():
        for statement in statements:
            session.execute(statement)


def role_id(app: Any, name: str) -> int:
    with app.extensions["trato"].sessionmaker() as session:
        return session.scalar(select(Role.id).where(Role.name == name))


def names(answer: Any) -> set[str]:
    assert answer.status_code == 200, answer.json
    return {row["name"] for row in answer.json["data"]}


def test_a_permission_changed_elsewhere_applies_to_the_next_request(app, make_user):
    rep = make_user(name="Rep")  # a sales rep: own records only
    other = make_user(name="Other")
    make(app, "trade_account", rep, name="Mine")
    make(app, "trade_account", other, name="Theirs")
    api = Api(app, rep)
    assert names(api("GET", "trade_account")) == {"Mine"}
    before = roles_counter(app)
    change(app, update(RolePermission).where(RolePermission.role_id == role_id(app, "sales_rep"),
                                             RolePermission.entity.in_(["trade_account", "*"]))
           .values(scope="all"))
    assert roles_counter(app) > before
    assert names(api("GET", "trade_account")) == {"Mine", "Theirs"}
    change(app, delete(RolePermission).where(RolePermission.role_id == role_id(app, "sales_rep")))
    assert api("GET", "trade_account").status_code == 403


def test_a_field_rule_added_through_the_orm_hides_the_field_at_once(app, make_user):
    rep = make_user(name="Rep")
    make(app, "trade_account", rep, name="Mine", city="Lugo")
    api = Api(app, rep)
    assert api("GET", "trade_account").json["data"][0]["city"] == "Lugo"
    with app.extensions["trato"].sessionmaker() as session:
        session.add(RoleFieldRule(role_id=role_id(app, "sales_rep"), entity="trade_account", field="city",
                                  rule="hidden"))
        session.commit()
    assert "city" not in api("GET", "trade_account").json["data"][0]


def test_team_membership_and_a_new_role_reach_the_manager_at_once(app, make_user):
    manager = make_user(name="Manager", role="sales_manager")  # scope team
    newcomer = make_user(name="Newcomer", role="read_only")  # reports to the administrator, not the manager
    make(app, "trade_account", newcomer, name="Newcomer's")
    api = Api(app, manager)
    assert names(api("GET", "trade_account")) == set()  # neither a subordinate nor a teammate yet
    with app.extensions["trato"].sessionmaker() as session:
        team = Team(name="North")
        session.add(team)
        session.flush()
        session.add_all([TeamMember(team_id=team.id, user_id=manager.id),
                         TeamMember(team_id=team.id, user_id=newcomer.id)])
        session.commit()
    assert names(api("GET", "trade_account")) == {"Newcomer's"}
    change(app, delete(TeamMember).where(TeamMember.user_id == newcomer.id))
    assert names(api("GET", "trade_account")) == set()
    with app.extensions["trato"].sessionmaker() as session:  # now the newcomer reports to the manager
        boss = session.get(Role, role_id(app, "sales_manager"))
        session.add(Role(name="junior", label={"en": "Junior"}, parent_id=boss.id))
        session.flush()
        session.get(User, newcomer.id).role_id = session.scalar(select(Role.id).where(Role.name == "junior"))
        session.commit()
    assert names(api("GET", "trade_account")) == {"Newcomer's"}


def test_changes_that_do_not_shape_grants_leave_the_counter_alone(app, make_user):
    user = make_user(name="Ana")
    before = roles_counter(app)
    with app.extensions["trato"].sessionmaker() as session:
        session.get(User, user.id).locale = "es"
        session.commit()
    make(app, "trade_account", user, name="Anything")
    assert roles_counter(app) == before
