"""Free-text search: the indexes behind it (indexes.py), the condition queries use (match.py), the search page."""
from __future__ import annotations

import logging
from typing import Any

from .. import counters, planner_stats
from ..filter_indexes import keep as filter_indexes
from ..records import sort_indexes
from .indexes import drop_fts, sync
from .match import condition

__all__ = ["condition", "drop_fts", "sync", "sync_all"]

log = logging.getLogger("trato.search")


def sync_all(state: Any) -> list[str]:
    """Bring every enabled entity's search index, and its title's sort indexes (records.sort_indexes), in line
    (after a plugin is enabled, `db upgrade`, `init`, a change of search or title fields); on SQLite, gather
    the planner's statistics if there are none yet (planner_stats.py).

    Moves the `schema` counter when a search index changed, so that every
    worker looks at its entities' indexes again. Returns the entities whose
    search index changed.
    """
    state.refresh()
    with state.sessionmaker() as session:
        entities = state.entities.all()
        changed = sync(session.connection(), entities)
        sorted_anew = sort_indexes.sync(session.connection(), entities)
        if sorted_anew:
            log.info("sort indexes made: %s", ", ".join(sorted_anew))
        filtered_anew = filter_indexes.sync(session.connection(), entities)
        if filtered_anew:
            log.info("filter indexes kept in line: %s", ", ".join(filtered_anew))
        planner_stats.ensure(session.connection())
        if changed:
            counters.bump(session, counters.SCHEMA)
        session.commit()
    if changed:
        log.info("search indexes rebuilt: %s", ", ".join(changed))
    return changed
