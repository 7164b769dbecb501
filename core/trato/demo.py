"""Demo data: demo sales teams and reps, then each enabled plugin's `demo_data` hook in dependency order, in one commit.

Records all owned by the administrator leave a sales rep's CRM empty (a rep
sees their own records), so the demo first makes two teams and four people
to own records, and plugins share their records among them through
`demo_owners`: a rep signing in sees their own accounts, deals and tasks,
their manager the team's. The demo people sign in with one password made
for the load and shown once (`trato demo`, `trato init --demo`).
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import counters
from .models import Counter, User
from .roles.membership import set_teams
from .roles.models import Role, Team, TeamMember
from .users import create_user

DEMO = "demo"
DEMO_DOMAIN = "demo.trato.example"
TEAMS = {"en": ("North team", "South team"), "es": ("Equipo Norte", "Equipo Sur")}
# (email name, name, team index, role): a manager and two reps in the north, one rep in the south.
PEOPLE = (("laura.martin", "Laura Martín", 0, "sales_rep"), ("javier.ortega", "Javier Ortega", 0, "sales_rep"),
          ("sofia.navarro", "Sofía Navarro", 1, "sales_rep"), ("diego.ramos", "Diego Ramos", 0, "sales_manager"))


@dataclass(frozen=True)
class DemoOwner:
    """Who owns a demo record: a user and their team."""

    user_id: int
    team_id: int


@dataclass(frozen=True)
class DemoLoad:
    """What a demo load did: the plugins that added data, the people made and their password."""

    plugins: list[str]
    people: list[str]
    password: str


def already_loaded(session: Session) -> bool:
    row = session.get(Counter, DEMO)
    return bool(row and row.value)


def demo_owners(session: Session) -> list[DemoOwner]:
    """The demo people who own records (its sales reps), in a stable order; [] where the demo made none.

    A plugin's `demo_data` hands its records out in turn (`owners[i % len(owners)]`), and falls back to an
    administrator when this is empty.
    """
    rows = session.execute(
        select(User.id, TeamMember.team_id).join(TeamMember, TeamMember.user_id == User.id)
        .join(Role, Role.id == User.role_id)
        .where(User.email.like(f"%@{DEMO_DOMAIN}"), Role.name == "sales_rep").order_by(User.id)).all()
    return [DemoOwner(user_id, team_id) for user_id, team_id in rows]


def _people(session: Session, locale: str) -> tuple[list[str], str]:
    """Make the demo teams and people; their emails and the password they share."""
    password = secrets.token_urlsafe(12)
    names = TEAMS.get(locale, TEAMS["en"])
    teams = []
    for name in names:
        team = session.scalar(select(Team).where(Team.name == name)) or Team(name=name, description="")
        session.add(team)
        session.flush()
        teams.append(team.id)
    emails = []
    for local, name, team, role in PEOPLE:
        email = f"{local}@{DEMO_DOMAIN}"
        if session.scalar(select(User.id).where(User.email == email)) is not None:
            continue  # a test loading twice: the people are there already
        user = create_user(session, email, name, password, locale=locale, role=role)
        set_teams(session, user, [teams[team]])
        emails.append(email)
    return emails, password


def load_demo(app: Flask, locale: str) -> DemoLoad:
    """Make the demo people, then load every enabled plugin's demo data in one transaction."""
    state = app.extensions["trato"]
    order = state.plugins.enabled_in_order()
    impls = {i.plugin_name: i for i in state.plugins.all_hooks.demo_data.get_hookimpls()}
    loaded = []
    # The people first, committed: plugins' demos check the users they assign (an activity's assignee) through
    # the app's own session. A failing plugin then leaves them, and a second load takes them as they are.
    with state.sessionmaker() as session, session.begin():
        people, password = _people(session, locale)
    with state.sessionmaker() as session, session.begin():
        for name in order:
            if name in impls:
                impls[name].function(session=session, locale=locale)
                session.flush()
                loaded.append(name)
        counters.bump(session, DEMO)
    return DemoLoad(loaded, people, password)
