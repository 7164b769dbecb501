"""Small value objects that plugins hand to the core's templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template, url_for
from markupsafe import Markup


@dataclass(frozen=True)
class NavItem:
    """A main-menu entry. `endpoint` is a Flask endpoint such as `hello.index`; `values` its URL's arguments.

    `group` is the area the entry is listed under in the side menu (a label such as `_l("Sales")`; entries of
    several plugins that give the same label share it; empty: above every group). `icon` is a Tabler icon
    name such as `"users"` (https://tabler.io/icons), shown before the label.
    """

    endpoint: str
    label: Any
    priority: int = 100
    icon: str = ""
    values: dict[str, Any] = field(default_factory=dict)
    group: Any = ""

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.values)


@dataclass(frozen=True)
class Fragment:
    """A titled piece of a page (widget, panel, slot entry), rendered from a template.

    `extra` is what the page adds when it renders the fragment (a list's row
    actions get `row_id`, the row's record id).
    """

    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    priority: int = 100

    def render(self, **extra: Any) -> Markup:
        return Markup(render_template(self.template, **self.context, **extra))


def flatten_sorted(results: list[list[Any] | None]) -> list[Any]:
    """Merge per-plugin hook results and sort them by priority, then label."""
    items = [item for group in results if group for item in group]
    return sorted(items, key=lambda i: (i.priority, str(getattr(i, "label", getattr(i, "title", "")))))
