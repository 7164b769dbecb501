"""Render the hook specifications as Markdown, for docs/hooks.md."""
from __future__ import annotations

import inspect
from types import ModuleType

from . import specs


def spec_functions(module: ModuleType = specs) -> list[tuple[str, object]]:
    return [
        (name, fn) for name, fn in inspect.getmembers(module, inspect.isfunction)
        if hasattr(fn, "trato_spec")
    ]


def render_reference() -> str:
    lines = [
        "# Hook reference",
        "",
        "Generated from `core/trato/hooks/specs.py` by `trato docs hooks`; do not edit by hand.",
        "A test fails when this page is out of date.",
        "",
    ]
    for name, fn in spec_functions():
        signature = inspect.signature(fn)
        lines += [f"## `{name}{signature}`".replace("'", ""), "", inspect.cleandoc(fn.__doc__ or ""), ""]
    return "\n".join(lines)
