"""Lines of one document copied as new lines of another (a quote's next revision, a subscription's invoice)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from trato import records


def typed_fields(child: str) -> set[str]:
    """The fields of a line entity that people type (custom ones included): not its id, parent, position,
    record columns or computed values."""
    return {name for name, f in records.entity(child).fields.items() if not f.system and not f.system_set}


def copied_lines(source: str, target: str, lines: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """`lines` of the `source` line entity as new lines of `target`: the typed fields both have, set ones only."""
    shared = typed_fields(source) & typed_fields(target)
    return [{name: line[name] for name in shared if line.get(name) is not None} for line in lines]
