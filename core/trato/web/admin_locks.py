"""A custom entity's lock rule on its admin screen: "locked when Status is Signed", without code.

The admin ticks the values of one select (or yes/no) field that lock a
record; `trato.schema.change_entity(..., {"lock_rule": ...})` checks and keeps
the rule, and the record service then refuses changes to such records as it
does for a plugin's `EntityInfo(locked=...)` (docs/locks.md).
"""
from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from wtforms import SelectMultipleField

from .. import schema
from ..entities import Entity
from ..entities.lock_rules import LockRule, lockable_fields, shown
from ..i18n import _, _l
from ..schema import SchemaError
from .admin import admin_required, bp
from .admin_entities import _admin, _apply, _entity_or_404, _entity_page, _new_field_form
from .entity_forms import SchemaForm


class LockForm(SchemaForm):
    """The values that lock a record, as `field:value` choices of the entity's select and yes/no fields."""

    rule = SelectMultipleField(_l("Locked when"), validate_choice=False,
                               description=_l("A record with one of the ticked values refuses changes, deletion and "
                                              "purging. Tick values of one field only; tick none to lock nothing."))

    def __init__(self, entity: Entity, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        for field in lockable_fields(entity.fields):
            values = [True, False] if field.type.widget == "checkbox" else field.option_values()
            choices += [(f"{field.name}:{self.encode(v)}", _("%(field)s is %(value)s", field=field.text,
                                                              value=shown(field, v))) for v in values]
        self.rule.choices = choices
        if not self.is_submitted() and isinstance(entity.locked, LockRule):
            self.rule.data = [f"{entity.locked.field.name}:{self.encode(v)}" for v in entity.locked.values]

    @staticmethod
    def encode(value: Any) -> str:
        return ("true" if value else "false") if isinstance(value, bool) else str(value)

    def stored(self, entity: Entity) -> dict[str, Any] | None:
        """The rule as `change_entity` takes it; SchemaError when the ticks name several fields."""
        picked = [item.partition(":") for item in self.rule.data or ()]
        if not picked:
            return None
        names = {name for name, _sep, _value in picked}
        if len(names) != 1 or next(iter(names)) not in entity.fields:
            raise SchemaError(_("A lock rule names a select or yes/no field of this entity and the values that lock "
                                "a record."), "lock_rule")
        field = entity.fields[next(iter(names))]
        boolean = field.type.widget == "checkbox"
        return {"field": field.name, "values": [value == "true" if boolean else value for _n, _s, value in picked]}


def lock_form(entity: Entity, formdata: Any = None) -> LockForm | None:
    """The lock rule's form for a custom entity's screen; None for a plugin's entity (its code decides)."""
    return LockForm(entity, formdata=formdata, prefix="lock") if entity.custom else None


@bp.post("/entities/<name>/lock")
@admin_required
def entity_lock(name: str) -> Any:
    """Set (or, with nothing ticked, remove) a custom entity's lock rule."""
    entity = _entity_or_404(name)
    if not entity.custom:
        abort(404)
    form = LockForm(entity, prefix="lock")
    if _apply(form, lambda: schema.change_entity(entity.name, {"lock_rule": form.stored(entity)}, user=_admin())):
        flash(_("The lock rule of %(entity)s is saved.", entity=entity.plural_text), "success")
        return redirect(url_for("admin.entity", name=entity.name))
    return _entity_page(entity, _new_field_form(), lock=form)
