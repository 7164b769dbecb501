"""The app shell's menus: custom entities' entries, the side menu's groups and the "+ New" menu."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from .. import access
from ..i18n import _l
from ..ui import NavItem
from ..presentation import entities

PRIORITY = 500  # after the plugins' own entries
CUSTOM_GROUP = _l("More records")


@dataclass(frozen=True)
class NavGroup:
    """A side-menu area: its label (empty for the entries above every area) and its entries in order."""

    label: str
    items: list[NavItem]

    @property
    def key(self) -> str:
        """A stable id for the group's collapsible list, from its position-independent label."""
        return "nav-" + "".join(c if c.isalnum() else "-" for c in self.label.lower()) if self.label else "nav-top"


def entity_navigation(user: Any) -> list[NavItem]:
    """A menu entry per custom entity the user's role lets them view, in the custom entities' own group; lines
    are reached through their documents."""
    items = []
    for entity in entities().all():
        if not entity.custom or entity.parent:
            continue
        try:
            access.check(user, entity, "view")
        except access.PermissionRefused:
            continue
        items.append(NavItem("records.listing", entity.plural_text, PRIORITY, icon="database",
                             values={"entity": entity.name}, group=CUSTOM_GROUP))
    return items


def grouped(items: Iterable[NavItem]) -> list[NavGroup]:
    """Entries (already sorted by priority) gathered by group, groups in the order their first entry comes;
    the ungrouped entries first."""
    groups: dict[str, list[NavItem]] = {"": []}
    for item in items:
        groups.setdefault(str(item.group or ""), []).append(item)
    return [NavGroup(label, members) for label, members in groups.items() if members]


def creatable(user: Any) -> list[NavItem]:
    """The "+ New" menu: a form link for each entity whose records the user's role may create, by name (not
    lines: they are made in their document's form)."""
    items = []
    for entity in entities().all():
        if entity.parent:
            continue
        try:
            access.check(user, entity, "create")
        except access.PermissionRefused:
            continue
        items.append(NavItem("records.new", entity.text, values={"entity": entity.name}))
    return sorted(items, key=lambda i: str(i.label).lower())
