"""The picker of a link to a record of any entity (`record_link` fields): matches across entities as the user types.

It asks each entity the link may point at (those of the field's `entities`
setting, else every entity the user may view that has search fields, lines
of documents aside) through
the same search as a relation's picker (`pickers.matches`), and answers the
first matches of each, named "Entity — title", valued `entity:id` as the
field type reads them. A user only ever gets records they may see.
"""
from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_login import login_required

from .. import access
from ..entities import Entity
from ..fields import Field, RecordLink
from ..i18n import _
from ..records import QueryError
from .inputs import signed_in
from .pages import bp
from .pickers import LOOKUP_LIMIT, MAX_TYPED, _options, matches, shown_title
from ..presentation import entities

PER_ENTITY = 5  # matches of each entity, so that one large entity does not crowd out the others


def link_targets(allowed: tuple[str, ...], user: Any) -> list[Entity]:
    """The entities a link may point at that the user may view and search, in the registry's order."""
    found = []
    for entity in entities().all():
        if (allowed and entity.name not in allowed) or (not entity.search_fields and not entity.title_field):
            continue
        if entity.parent:  # a document's line is reached through its document
            continue
        if access.allowed(user, entity, "view"):
            found.append(entity)
    return found


@bp.get("/link-lookup")
@login_required
def link_lookup() -> Any:
    """Up to 20 records of the entities `entities` (comma separated; all by default) matching `q`, as picker
    options valued `entity:id`."""
    user = signed_in()
    allowed = tuple(name for name in request.args.get("entities", "").split(",") if name)
    text = " ".join(request.args.get("q", "")[:MAX_TYPED].split())
    chosen: list[tuple[str, str]] = []
    for entity in link_targets(allowed, user):
        try:
            page = matches(entity, user, text).page(limit=PER_ENTITY)
        except QueryError:
            continue  # an entity this text cannot be matched in
        hidden = access.hidden_fields(user, entity)
        chosen += [(str(RecordLink(entity.name, r.id)), _("%(entity)s — %(title)s", entity=entity.text,
                                                           title=shown_title(entity, r, hidden))) for r in page.items]
        if len(chosen) >= LOOKUP_LIMIT:
            break
    return _options(chosen[:LOOKUP_LIMIT], None)


def lookup_url(field: Field) -> str:
    """Where a link field's picker asks for matches."""
    allowed = field.type.allowed(field)  # type: ignore[attr-defined]
    return url_for("records.link_lookup", entities=",".join(allowed) or None)
