"""Render the hook specifications as Markdown, for docs/hooks.md.

The docstrings in specs.py serve both `help()` and this page: a paragraph
ending in `::` introduces an indented example (reStructuredText style),
which becomes a fenced Python block here.
"""
from __future__ import annotations

import inspect
from collections.abc import Callable
from types import ModuleType
from typing import Any

from . import specs
from .markers import PROJECT

INTRO = """\
# Hook reference

Generated from `core/trato/hooks/specs.py` by `trato docs hooks`; do not edit by hand.
A test fails when this page is out of date, when a hook has no docstring, or
when a hook has no test of its own (a function `test_hook_<name>` under `tests/`).

A plugin implements a hook in the module its `Plugin(hooks=...)` names: a
function with the hook's name, decorated with `trato.hookimpl`, taking any
subset of the hook's arguments (they are passed by name). Unless a hook says
otherwise, Trato calls it only for enabled plugins. `NavItem`, `Fragment`,
`TaskRegistry` and `JobContext` come from `trato`; `Blueprint` from Flask;
`Session` from SQLAlchemy. The [plugin guide](plugin-guide.md) shows every
hook at work in one plugin.
"""


def spec_functions(module: ModuleType = specs) -> list[tuple[str, Callable[..., Any]]]:
    """The hook specifications of `module`, in the order they are written."""
    return [
        (name, fn) for name, fn in vars(module).items()
        if inspect.isfunction(fn) and hasattr(fn, f"{PROJECT}_spec")
    ]


def _annotation(value: Any) -> str:
    return value if isinstance(value, str) else inspect.formatannotation(value)


def signature(name: str, fn: Callable[..., Any]) -> str:
    sig = inspect.signature(fn)
    params = ", ".join(f"{p.name}: {_annotation(p.annotation)}" for p in sig.parameters.values())
    return f"def {name}({params}) -> {_annotation(sig.return_annotation)}"


def _fenced(block: list[str]) -> list[str]:
    while block and not block[-1].strip():
        block.pop()
    while block and not block[0].strip():
        block.pop(0)
    return ["", "```python", *(line[4:] for line in block), "```"]


def docstring_markdown(doc: str) -> list[str]:
    """A docstring's lines with its `::` examples turned into fenced code."""
    out: list[str] = []
    block: list[str] | None = None
    for line in inspect.cleandoc(doc).splitlines():
        if block is not None:
            if not line.strip() or line.startswith("    "):
                block.append(line)
                continue
            out += [*_fenced(block), ""]
            block = None
        if line.endswith("::"):
            out.append(line[:-1])
            block = []
        else:
            out.append(line)
    if block is not None:
        out += _fenced(block)
    return out


def summary(fn: Callable[..., Any]) -> str:
    return inspect.cleandoc(fn.__doc__ or "").split("\n\n")[0].replace("\n", " ")


def render_reference() -> str:
    hooks = spec_functions()
    lines = [INTRO, "| hook | what it is for |", "| --- | --- |"]
    lines += [f"| [`{name}`](#{name}) | {summary(fn)} |" for name, fn in hooks]
    for name, fn in hooks:
        lines += ["", f"## {name}", "", "```python", signature(name, fn), "```", "",
                  *docstring_markdown(fn.__doc__ or "")]
    return "\n".join(lines) + "\n"
