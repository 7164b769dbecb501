"""How Invoicing plugs into Trato: one function per hook (see Trato's docs/hooks.md).

The documents' own hooks are here; each other part of the plugin (billing, quoting, recurring) keeps its
implementations in its own `hooks` module, named `<part>_<hook>` with `@hookimpl(specname=...)`, and they are
brought in below so that the plugin registers one module.
"""
from __future__ import annotations

from .billing.hooks import *  # noqa: F401,F403
from .quoting.hooks import *  # noqa: F401,F403
from .recurring.hooks import *  # noqa: F401,F403
