"""A custom entity's lock rule, set by an admin without code: "locked when Status is Signed".

Kept in `core_entity.lock_rule` as `{"field": "status", "values": ["signed"]}`:
a record is locked while the field holds one of the values. It becomes the
entity's `locked` callable, as `EntityInfo(locked=...)` does for a plugin.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..fields import Field
from ..i18n import _

@dataclass(frozen=True)
class LockRule:
    """Locked while `field` holds one of `values`; called with a record's values, it says why (or None)."""

    field: Field
    values: tuple[Any, ...]

    def __call__(self, record: Mapping[str, Any]) -> str | None:
        value = record.get(self.field.name)
        if value is None or value not in self.values:
            return None
        return _("%(field)s is %(value)s", field=self.field.text, value=shown(self.field, value))

    def stored(self) -> dict[str, Any]:
        return {"field": self.field.name, "values": list(self.values)}


def shown(field: Field, value: Any) -> str:
    """An option's label, Yes or No, or the value as text."""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return next((o.text for o in field.options if o.value == value), str(value))


def lockable_fields(fields: Mapping[str, Field]) -> list[Field]:
    """The fields a lock rule may name: a select or a yes/no field an admin picks values of."""
    return [f for f in fields.values() if not f.system and f.type.widget in ("select", "checkbox")]


def rule_from(stored: Mapping[str, Any] | None, fields: Mapping[str, Field]) -> LockRule | None:
    """The rule `core_entity.lock_rule` holds; None when there is none or its field is gone."""
    if not stored or stored.get("field") not in fields:
        return None
    values: Sequence[Any] = stored.get("values") or ()
    return LockRule(fields[stored["field"]], tuple(values)) if values else None
