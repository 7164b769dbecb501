"""Roles, teams and the access policy built on them (see models.py for the data)."""
from .models import ANY_ENTITY, FIELD_RULES, ROLE_ACTIONS, SCOPES, Role, RoleFieldRule, RolePermission, Team, TeamMember

__all__ = ["ANY_ENTITY", "FIELD_RULES", "ROLE_ACTIONS", "SCOPES", "Role", "RoleFieldRule", "RolePermission", "Team",
           "TeamMember"]
