"""Roles, teams and the access policy built on them (see models.py for the data)."""
from .defaults import grant
from .models import (
    ANY_ENTITY, FIELD_RULES, ROLE_ACTIONS, SCOPE_COLUMNS, SCOPES, Role, RoleFieldRule, RolePermission, Team, TeamMember,
    wider,
)

__all__ = ["ANY_ENTITY", "FIELD_RULES", "ROLE_ACTIONS", "SCOPES", "SCOPE_COLUMNS", "Role", "RoleFieldRule",
           "RolePermission", "Team", "TeamMember", "grant", "wider"]
