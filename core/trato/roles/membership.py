"""Which role a user holds and which teams they belong to.

`User.is_admin` is a copy of the role's `is_admin`, read by the many checks
that need only that (admin screens, the policy's bypass): change a user's
role only through `assign_role` so the two never disagree.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import TratoError
from ..i18n import _
from .models import Role, Team, TeamMember

if TYPE_CHECKING:
    from ..settings import Settings

ADMINISTRATOR = "administrator"


def role_named(session: Session, name: str) -> Role:
    """The role called `name`; a TratoError naming it when there is none."""
    role = session.scalar(select(Role).where(Role.name == name))
    if role is None:
        raise TratoError(_("There is no role named “%(name)s”.", name=name))
    return role


def default_role(session: Session, settings: Settings | None = None) -> Role:
    """The role new users get: the `default_role` setting (of the current app unless `settings` is given)."""
    if settings is None and has_app_context():
        settings = current_app.extensions["trato"].settings
    return role_named(session, settings.default_role if settings is not None else "sales_rep")


def assign_role(session: Session, user: Any, role: Role | str) -> None:
    """Give `user` the role (a Role or its name) and keep `user.is_admin` in step with it."""
    if isinstance(role, str):
        role = role_named(session, role)
    user.role_id = role.id
    user.is_admin = bool(role.is_admin)
    session.flush()


def set_teams(session: Session, user: Any, team_ids: Iterable[int]) -> None:
    """Make `user` a member of exactly these teams; an unknown team id is refused."""
    wanted = set(team_ids)
    known = set(session.scalars(select(Team.id).where(Team.id.in_(wanted)))) if wanted else set()
    if wanted - known:
        raise TratoError(_("There is no team with the id %(id)s.", id=min(wanted - known)))
    current = set(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user.id)))
    if current - wanted:
        session.execute(delete(TeamMember).where(TeamMember.user_id == user.id,
                                                 TeamMember.team_id.in_(current - wanted)))
    session.add_all(TeamMember(team_id=team_id, user_id=user.id) for team_id in sorted(wanted - current))
    session.flush()


def team_ids_of(session: Session, user_id: int) -> list[int]:
    """The teams `user_id` belongs to."""
    return list(session.scalars(select(TeamMember.team_id).where(TeamMember.user_id == user_id)
                                .order_by(TeamMember.team_id)))
