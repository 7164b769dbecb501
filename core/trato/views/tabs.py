"""The detail page's tabs: Details, one per related list, the timeline, files, and the tabs plugins add.

The chosen tab is the `tab=` query parameter, so every tab is a plain link
the server answers (HTMX only saves the page reload). Every tab's content is
in the page, the others `hidden`, so find-in-page and tests see the record
whole; a plugin tab whose template fails is left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from ..i18n import _
from ..ui import Fragment
from .related import Related
from .slots import render, tab_key

DETAILS = "details"
TIMELINE = "timeline"
FILES = "files"


@dataclass(frozen=True)
class Tab:
    """One tab: its `tab=` key, label, optional count badge, and what it shows."""

    key: str
    label: Any
    count: str | None = None
    related: Related | None = None
    html: Markup | None = None  # a plugin tab's content


def _count(rel: Related) -> str:
    return f"{len(rel.items)}{'+' if rel.more else ''}"


def detail_tabs(related: list[Related], timeline: Any, files: list[Any] | None, plugin_tabs: list[Fragment],
                chosen: str | None) -> tuple[list[Tab], str]:
    """The tabs in order and the key of the one shown (Details when `chosen` names none of them); `files` are
    the record's files, None where the record has no timeline."""
    tabs = [Tab(DETAILS, _("Details"))]
    tabs += [Tab(f"related-{rel.entity.name}-{rel.field.name}", rel.title, _count(rel), related=rel)
             for rel in related]
    if timeline:
        tabs.append(Tab(TIMELINE, _("Timeline")))
    if files is not None:
        tabs.append(Tab(FILES, _("Files"), str(len(files))))
    keys = {t.key for t in tabs}
    for fragment in plugin_tabs:
        if (html := render(fragment)) is not None:
            key = tab_key(fragment)
            key = next(k for n in range(1, len(keys) + 2) if (k := key if n == 1 else f"{key}-{n}") not in keys)
            keys.add(key)  # two tabs drawn from one template: the second is <key>-2
            tabs.append(Tab(key, fragment.title, html=html))
    return tabs, chosen if chosen in keys else DETAILS
