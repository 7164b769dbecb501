"""Who is who, for plugins: people's names and teams' members, without reaching into the core's tables."""
from __future__ import annotations

from collections.abc import Iterable

from flask import g, has_app_context
from sqlalchemy import select

from . import db
from .models import User
from .roles.models import Team, TeamMember


# The most users a picker lists (by name); past that, people type an id or use the filters.
ACTIVE_USERS_LIMIT = 500


def active_users() -> list[tuple[int, str]]:
    """The active users' ids and names by name, for pickers; read once per request (names are then known too)."""
    if "trato_active_users" not in g:
        g.trato_active_users = [tuple(row) for row in db.session().execute(
            select(User.id, User.name).where(User.active.is_(True)).order_by(User.name).limit(ACTIVE_USERS_LIMIT))]
    return g.trato_active_users  # type: ignore[no-any-return]


def user_names(ids: Iterable[int | None]) -> dict[int, str]:
    """The names of the users with these ids (missing ids are left out).

    Those of the request's `active_users`, when it read them already, are not read again.
    """
    wanted = {i for i in ids if i}
    known = dict(g.get("trato_active_users", ())) if has_app_context() else {}
    names = {i: known[i] for i in wanted if i in known}
    if wanted - names.keys():
        names.update(db.session().execute(select(User.id, User.name)  # type: ignore[arg-type]
                                          .where(User.id.in_(wanted - names.keys()))).all())
    return names


def team_names(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session().execute(select(Team.id, Team.name).where(Team.id.in_(wanted))).all())  # type: ignore[arg-type]


def team_members() -> dict[int, list[int]]:
    """Every team's member ids, by team id, in id order."""
    members: dict[int, list[int]] = {}
    for team_id, user_id in db.session().execute(select(TeamMember.team_id, TeamMember.user_id)
                                                 .order_by(TeamMember.team_id, TeamMember.user_id)):
        members.setdefault(team_id, []).append(user_id)
    return members


def administrators() -> list[int]:
    """The ids of the active administrators, oldest first (demo data gives them its records)."""
    return list(db.session().scalars(select(User.id).where(User.is_admin.is_(True), User.active.is_(True))
                                     .order_by(User.id)))
