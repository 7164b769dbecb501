"""Default permissions a plugin gives its entities when it is enabled, for plugins to call.

Most entities follow each role's `*` row. Shared set-up data (a sales
pipeline and its stages, say) is different: every user must see all of it,
and only administrators change it. A plugin says so once, from its
`plugin_enabled` hook; an administrator may change the rows later in the
role matrix, and a second enable leaves their changes alone.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import ROLE_ACTIONS, SCOPES, Role, RolePermission


def grant(session: Session, entity: str, actions: Iterable[str] = ("view",), scope: str = "all") -> int:
    """Give every role other than the administrator `actions` on `entity`, where it has no row for it yet.

    `scope` limits every action (seeing, changing and deleting alike).
    Returns how many roles got the row.
    """
    allowed = set(actions)
    if allowed - set(ROLE_ACTIONS) or scope not in SCOPES:
        raise ValueError(f"unknown action or scope: {sorted(allowed - set(ROLE_ACTIONS))} {scope!r}")
    having = set(session.scalars(select(RolePermission.role_id).where(RolePermission.entity == entity)))
    roles = [r for r in session.scalars(select(Role).where(Role.is_admin.is_(False))) if r.id not in having]
    for role in roles:
        session.add(RolePermission(role_id=role.id, entity=entity, scope=scope, edit_scope=scope, delete_scope=scope,
                                   **{f"can_{a}": a in allowed for a in ROLE_ACTIONS}))
    session.flush()
    return len(roles)
