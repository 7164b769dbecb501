"""Named page slots: places on the generic pages that plugins fill through the `page_slot` hook.

One plugin adds a button to another plugin's record header, a tab to its
detail page or a mass action to its list without touching its templates.
Each plugin's answer and each fragment's rendering is isolated: one that
raises is logged and left out, and the page stands.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from flask import current_app
from markupsafe import Markup

from ..ui import Fragment, flatten_sorted

log = logging.getLogger("trato.slots")

SLOTS = frozenset({
    "record_header",      # buttons in a record's header, next to Edit
    "record_menu",        # entries of the header's "More" actions menu
    "record_alerts",      # notices above a record's page
    "record_tabs",        # tabs of the detail page: title is the tab's label, the template its content
    "form_sections",      # sections at the end of a record's form (new: record is None)
    "list_actions",       # buttons in a list's page head
    "list_mass_actions",  # buttons of the mass-action bar, posting the ticked rows' ids
    "list_row_actions",   # links on each list row (rendered with row_id)
    "dashboard",          # cards on the home page (entity and record are None)
})


@dataclass(frozen=True)
class Filled:
    """A slot's fragment and its HTML, rendered once without error."""

    fragment: Fragment
    html: Markup

    @property
    def title(self) -> Any:
        return self.fragment.title

    def render(self) -> Markup:
        """The HTML already rendered (so templates treat it as a `Fragment`)."""
        return self.html


def collect(hook: str, **kwargs: Any) -> list[Fragment]:
    """The fragments the enabled plugins return from `hook`, sorted by priority.

    Each implementation is called on its own so that one that raises is
    logged and left out instead of failing the page with the others.
    """
    caller = getattr(current_app.extensions["trato"].plugins.hook, hook)
    found: list[Fragment] = []
    for impl in caller.get_hookimpls():
        if impl.hookwrapper or impl.wrapper:
            continue
        try:
            found.extend(impl.function(*[kwargs[name] for name in impl.argnames]) or [])
        except Exception:
            log.exception("plugin %s: hook %s failed (%s); its fragments are left out", impl.plugin_name, hook,
                          kwargs.get("slot", ""))
    return flatten_sorted([found])


def render(fragment: Fragment, **extra: Any) -> Markup | None:
    """The fragment's HTML, or None (logged) when its template or context fails."""
    try:
        return fragment.render(**extra)
    except Exception:
        log.exception("fragment %r (%s) failed to render; it is left out", str(fragment.title), fragment.template)
        return None


def rendered(fragments: list[Fragment]) -> list[Filled]:
    """The fragments that render, in order."""
    return [Filled(f, html) for f in fragments if (html := render(f)) is not None]


def fragments(slot: str, user: Any, entity: str | None = None, record: Any = None) -> list[Fragment]:
    """What the plugins put in `slot` for this entity, record and user, not yet rendered."""
    if slot not in SLOTS:
        raise ValueError(f"unknown page slot {slot!r}")
    return collect("page_slot", slot=slot, entity=entity, record=record, user=user)


def fill(slot: str, user: Any, entity: str | None = None, record: Any = None) -> list[Filled]:
    """The slot's fragments, rendered."""
    return rendered(fragments(slot, user, entity, record))


def row_actions(user: Any, entity: str, ids: list[int]) -> dict[int, list[Markup]]:
    """Each row's action links: the hook is asked once per page, each fragment rendered per row with `row_id`."""
    actions: dict[int, list[Markup]] = {i: [] for i in ids}
    for fragment in fragments("list_row_actions", user, entity):
        per_row = {row_id: render(fragment, row_id=row_id) for row_id in ids}
        if any(html is None for html in per_row.values()):
            continue  # failing for one row, it is left out of every row
        for row_id, html in per_row.items():
            actions[row_id].append(html)  # type: ignore[arg-type]
    return actions


def tab_key(fragment: Fragment) -> str:
    """A plugin tab's `tab=` value: its template's path, made URL-safe (`sales/account_deals.html` →
    `sales-account-deals`)."""
    return re.sub(r"[^a-z0-9]+", "-", fragment.template.rsplit(".", 1)[0].lower()).strip("-")
