"""The sandbox document templates run in: what they may reach, and how a refusal is reported.

Templates are edited by admins in the browser, so they are code from a
person who is not a developer: they run in Jinja's immutable sandbox with
autoescape and StrictUndefined, see only the merge fields (plain data built
by `documents.context`), and every way to Python's internals is refused
with a message naming the line, both when the template is saved (a static
look at its tree, then a trial render) and when it is rendered.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from flask_babel import gettext, ngettext, npgettext, pgettext
from jinja2 import (
    BaseLoader, StrictUndefined, Template, TemplateError, TemplateSyntaxError, Undefined, UndefinedError, nodes,
)
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

from ..i18n import _
from .errors import TemplateRefused

FROM_STRING = "<template>"  # the file name Jinja gives a template compiled from a string
T = TypeVar("T")
JINJA_NAMES = frozenset({"loop", "super", "self", "caller", "varargs", "kwargs"})  # Jinja's own, always there


def _refuse_callables(value: Any) -> Any:
    """What `{{ ... }}` prints: a method or function would print its repr (and its address), so it is refused."""
    if callable(value) and not isinstance(value, Undefined) and not hasattr(value, "__html__"):
        raise SecurityError(_("A method or function cannot be printed, only merge fields."))
    return value


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox, with no attribute or key that starts with "_" reachable at all."""

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        return not attr.startswith("_") and super().is_safe_attribute(obj, attr, value)


def environment(loader: BaseLoader) -> DocumentEnvironment:
    """A sandbox reading templates (layouts a template extends) through `loader`; translations through `_`."""
    env = DocumentEnvironment(loader=loader, undefined=StrictUndefined, autoescape=True, finalize=_refuse_callables,
                              extensions=["jinja2.ext.i18n"])
    for name in ("cycler", "joiner", "namespace", "lipsum", "dict"):  # objects with internals to climb from
        del env.globals[name]
    env.install_gettext_callables(gettext, ngettext, newstyle=True, pgettext=pgettext,  # type: ignore[attr-defined]
                                  npgettext=npgettext)
    return env


def _private(node: nodes.Node) -> str | None:
    """The name starting with "_" that `node` reaches (`x.__class__`, `x["_y"]`, `x|attr("__y")`), if any."""
    if isinstance(node, nodes.Getattr) and node.attr.startswith("_"):
        return node.attr
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const) and str(node.arg.value).startswith("_"):
        return str(node.arg.value)
    if isinstance(node, nodes.Filter) and node.name == "attr":
        return next((str(a.value) for a in node.args if isinstance(a, nodes.Const)
                     and str(a.value).startswith("_")), None)
    if isinstance(node, nodes.Name) and node.name.startswith("_") and node.name != "_":
        return node.name
    return None


def _names(tree: nodes.Template) -> Iterator[nodes.Name]:
    """The names the template loads (not those it sets itself: loop variables, `set`, macro arguments)."""
    stored = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    stored |= {n.target for n in tree.find_all(nodes.Import)}
    stored |= {n if isinstance(n, str) else n[-1] for i in tree.find_all(nodes.FromImport) for n in i.names}
    for node in tree.find_all(nodes.Name):
        if node.ctx == "load" and node.name not in stored:
            yield node


def check(env: DocumentEnvironment, source: str, fields: Mapping[str, Any]) -> Template:
    """The template compiled, or TemplateRefused: a syntax error, a reach for internals, an unknown merge field.

    `fields` are the top-level merge fields offered; those inside them are
    checked by a trial render (render.checked).
    """
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(_("The template has a syntax error on line %(line)s: %(problem)s",
                                line=exc.lineno, problem=exc.message), exc.lineno) from None
    for node in tree.find_all(nodes.Node):
        name = _private(node)
        if name is not None:
            raise TemplateRefused(_("Line %(line)s reaches for “%(name)s”, which is part of Python's internals: "
                                    "templates may use merge fields only.", line=node.lineno, name=name),
                                  node.lineno)
    known = set(fields) | set(env.globals) | JINJA_NAMES
    for node in _names(tree):
        if node.name not in known:
            raise TemplateRefused(_("Line %(line)s uses “%(name)s”, which is not a merge field.",
                                    line=node.lineno, name=node.name), node.lineno)
    try:
        return env.from_string(source)
    except TemplateError as exc:
        raise refusal(exc) from None


def _line(exc: BaseException) -> int | None:
    """The template line a render failed on (Jinja puts the template's frames in the traceback)."""
    lines = [f.lineno for f in traceback.extract_tb(exc.__traceback__)
             if f.filename == FROM_STRING or f.filename.endswith(".html")]
    return lines[-1] if lines else None


def refusal(exc: Exception) -> TemplateRefused:
    """A failure met while rendering, as the message an admin reads."""
    line = _line(exc)
    where = line if line is not None else "?"
    if isinstance(exc, SecurityError):
        return TemplateRefused(_("Line %(line)s was refused: %(problem)s Templates may use merge fields only.",
                                 line=where, problem=str(exc)), line)
    if isinstance(exc, UndefinedError):
        return TemplateRefused(_("Line %(line)s uses a merge field that does not exist: %(problem)s",
                                 line=where, problem=exc.message), line)
    if isinstance(exc, TemplateSyntaxError):
        return TemplateRefused(_("The template has a syntax error on line %(line)s: %(problem)s",
                                 line=exc.lineno, problem=exc.message), exc.lineno)
    return TemplateRefused(_("Line %(line)s could not be rendered: %(problem)s", line=where, problem=str(exc)), line)


def run(render: Callable[[], T]) -> T:
    """`render()` (finding or rendering a template), with what the template did wrong as TemplateRefused: never
    a 500, never a traceback shown."""
    try:
        return render()
    except (TemplateError, SecurityError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise refusal(exc) from None
