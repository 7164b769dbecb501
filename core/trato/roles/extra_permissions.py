"""Permissions beyond entity CRUD: abilities a role holds or not, such as seeing blocked personal data.

The core declares its own here and plugins theirs through the `permissions`
hook; an administrator ticks them per role on the role's page
(`/admin/roles/<id>/permissions`), and `trato.access.granted(user, name)`
answers. The administrator role holds every one. A change is written to the
security log and moves the `roles` counter (tracking.py), so every worker
sees it at once.
"""
from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from flask import current_app
from sqlalchemy import ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .. import db, security_log
from ..access import Permission
from ..blocking import VIEW_BLOCKED
from ..db import Base
from ..i18n import _, _l
from .models import Role

if TYPE_CHECKING:
    from ..models import User
    from .policy import Grants

CORE = (
    Permission(VIEW_BLOCKED, _l("See blocked personal data"),
               _l("Read records that are blocked (kept only to meet legal obligations, LOPDGDD art. 32), and "
                  "unblock them. Nobody may change a blocked record.")),
)


class RoleGrant(Base):
    """A permission beyond entity CRUD that a role holds."""

    __tablename__ = "core_role_grant"

    role_id: Mapped[int] = mapped_column(ForeignKey("core_role.id", ondelete="CASCADE"), primary_key=True)
    permission: Mapped[str] = mapped_column(String(64), primary_key=True)


class ExtraPermissionError(ValueError):
    """A permission name that neither the core nor an enabled plugin declares."""


def declared() -> dict[str, Permission]:
    """Every permission the core and the enabled plugins declare, by name, sorted by label."""
    found = {p.name: p for p in CORE}
    for answer in current_app.extensions["trato"].plugins.hook.permissions():
        for permission in answer or ():
            found.setdefault(permission.name, permission)
    return dict(sorted(found.items(), key=lambda item: str(item[1].label).lower()))


def of_role(session: Session, role_id: int | None) -> frozenset[str]:
    if role_id is None:
        return frozenset()
    return frozenset(session.scalars(select(RoleGrant.permission).where(RoleGrant.role_id == role_id)))


_held: WeakKeyDictionary[Grants, frozenset[str]] = WeakKeyDictionary()


def held(grants: Grants) -> frozenset[str]:
    """The permissions of the user whose `grants` these are, read once per `Grants` (kept as long as they are)."""
    found = _held.get(grants)
    if found is None:
        from ..models import User

        session = db.session()
        role_id = session.scalar(select(User.role_id).where(User.id == grants.user_id))
        found = _held[grants] = of_role(session, role_id)
    return found


def set_role_permissions(session: Session, role: Role, names: Collection[str], *, actor: User | None = None
                         ) -> dict[str, Any]:
    """Give `role` exactly the permissions `names`; the change is logged. Returns what changed ({} for nothing).

    The administrator role holds every permission and is left alone.
    """
    unknown = set(names) - set(declared())
    if unknown:
        raise ExtraPermissionError(_("There is no permission named “%(name)s”.", name=sorted(unknown)[0]))
    if role.is_admin:
        return {}
    before = of_role(session, role.id)
    after = frozenset(names)
    if before == after:
        return {}
    for name in before - after:
        session.delete(session.get(RoleGrant, (role.id, name)))
    session.add_all(RoleGrant(role_id=role.id, permission=name) for name in sorted(after - before))
    change = {"extra": {"before": sorted(before), "after": sorted(after)}}
    security_log.record(session, security_log.PERMISSIONS_CHANGED, None, actor=actor, role=role.name,
                        changes=change)
    session.flush()
    return change
