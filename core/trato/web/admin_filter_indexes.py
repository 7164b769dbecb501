"""Admin → Filter indexes: the filters that ran slow, the indexes made for them and why, and a switch per index
to drop it (for good: it is not made again) or bring it back (trato.filter_indexes).

Views hang on the admin blueprint (URL /admin/filter-indexes, endpoint `admin.filter_indexes`).
"""
from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from .. import db
from ..fields import localize
from ..filter_indexes.build import set_kept
from ..filter_indexes.models import FilterIndex, SlowFilter
from ..i18n import _, _l
from ..views.listing import OPERATOR_LABELS
from .admin import admin_required, bp

KIND_LABELS = {"btree": _l("equal, range and sort"), "prefix": _l("starts with"),
               "contains": _l("contains and starts with"), "listed": _l("list contains")}
STATE_LABELS = {"queued": _l("being made"), "built": _l("in use"), "failed": _l("failed"),
                "dropped": _l("dropped by an administrator"), "unsupported": _l("not possible on this database")}


def _label(entity: str, field: str) -> tuple[str, str]:
    """The entity's and field's names as the reader says them (the raw names once the field is gone)."""
    e = current_app.extensions["trato"].entities.get(entity)
    if e is None:
        return entity, field
    f = e.fields.get(field)
    return e.text, localize(f.label) if f is not None else field


@bp.get("/filter-indexes")
@admin_required
def filter_indexes() -> Any:
    session = db.session()
    slow = session.scalars(select(SlowFilter).order_by(SlowFilter.slowest_ms.desc(), SlowFilter.entity)).all()
    made = session.scalars(select(FilterIndex).order_by(FilterIndex.entity, FilterIndex.field)).all()
    why: dict[tuple[str, str], list[SlowFilter]] = {}
    for row in slow:
        why.setdefault((row.entity, row.field), []).append(row)
    return render_template("admin/filter_indexes.html", slow=slow, made=made, why=why, label=_label,
                           operators=OPERATOR_LABELS, kinds=KIND_LABELS, states=STATE_LABELS)


@bp.post("/filter-indexes/<entity>/<field>/<kind>")
@admin_required
def filter_index_switch(entity: str, field: str, kind: str) -> Any:
    kept = request.form.get("keep") == "1"
    db.session().rollback()  # the build waits for open transactions (CREATE INDEX CONCURRENTLY)
    state = set_kept(entity, field, kind, kept)
    if state is None:
        abort(404)
    name = _label(entity, field)
    flash(_("The index on %(entity)s: %(field)s is made again.", entity=name[0], field=name[1]) if kept else
          _("The index on %(entity)s: %(field)s is dropped and will not be made again.", entity=name[0],
            field=name[1]), "success")
    return redirect(url_for("admin.filter_indexes"))
