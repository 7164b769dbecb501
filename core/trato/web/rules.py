"""URL rules whose builders are compiled once per process.

Werkzeug turns every rule into two small Python functions (the URL builders), made with `ast` and `compile`
each time the rule joins a map: about a millisecond a rule, a quarter of an app's start with its ~250 rules,
paid again by every app a process builds (a test process builds hundreds, a server one per worker). The
builders depend only on the rule's text and defaults, so every app of the process shares them.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from werkzeug.routing import Rule

_builders: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}
_lock = threading.Lock()


class SharedBuilderRule(Rule):
    """A rule whose URL builders come from the process's cache when an equal rule compiled them before."""

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        defaults = self.defaults or {}
        if any(dynamic and name in defaults for dynamic, name in self._trace):
            # A default for a variable of the rule is baked into the builder through its converter: not shared.
            return super()._compile_builder(append_unknown)
        key = (tuple(self._trace), tuple(sorted(defaults)), append_unknown)
        with _lock:
            builder = _builders.get(key)
        if builder is None:
            builder = super()._compile_builder(append_unknown)
            with _lock:
                _builders[key] = builder
        return builder
