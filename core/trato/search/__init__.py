"""Free-text search: the indexes behind it (indexes.py), the condition queries use (match.py), the search page."""
from __future__ import annotations

import logging
from typing import Any

from .. import counters
from .indexes import drop_fts, sync
from .match import condition

__all__ = ["condition", "drop_fts", "sync", "sync_all"]

log = logging.getLogger("trato.search")


def sync_all(state: Any) -> list[str]:
    """Bring every enabled entity's search index in line (after a plugin is enabled, `db upgrade`, `init`).

    Moves the `schema` counter when an index changed, so that every worker
    looks at its entities' indexes again. Returns the entities whose index changed.
    """
    state.refresh()
    with state.sessionmaker() as session:
        changed = sync(session.connection(), state.entities.all())
        if changed:
            counters.bump(session, counters.SCHEMA)
        session.commit()
    if changed:
        log.info("search indexes rebuilt: %s", ", ".join(changed))
    return changed
