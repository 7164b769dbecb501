"""Small value objects that plugins hand to the core's templates."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import render_template, url_for
from markupsafe import Markup


@dataclass(frozen=True)
class NavItem:
    """A main-menu entry. `endpoint` is a Flask endpoint such as `hello.index`; `values` its URL's arguments."""

    endpoint: str
    label: Any
    priority: int = 100
    icon: str = ""
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return url_for(self.endpoint, **self.values)


@dataclass(frozen=True)
class Fragment:
    """A titled piece of a page (widget, panel), rendered from a template."""

    title: Any
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    priority: int = 100

    def render(self) -> Markup:
        return Markup(render_template(self.template, **self.context))


def flatten_sorted(results: list[list[Any] | None]) -> list[Any]:
    """Merge per-plugin hook results and sort them by priority, then label."""
    items = [item for group in results if group for item in group]
    return sorted(items, key=lambda i: (i.priority, str(getattr(i, "label", getattr(i, "title", "")))))
