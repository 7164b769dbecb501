"""Calling a hook from plugin code: the enabled plugins' implementations only, as the core calls its own."""
from __future__ import annotations

from typing import Any

from flask import current_app


def call_hook(name: str, **kwargs: Any) -> Any:
    """Call hook `name` (the core's or a plugin's own, `Plugin(hookspecs=...)`) on the enabled plugins.

    Returns what pluggy returns: the list of results, or one result for a
    `firstresult` hook. Arguments are passed by name, as pluggy requires.
    """
    return getattr(current_app.extensions["trato"].plugins.hook, name)(**kwargs)
