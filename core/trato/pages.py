"""What a plugin's own pages share with the generic ones: who is calling, a list URL's records, fields as shown.

    from trato import pages
    query = pages.list_query("contacts_contact", request.args, current_user)   # the list page's filters, search, sort
    shown = pages.shown_fields(entity, record, current_user)                   # {name: (label, text)}, hidden ones out
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import request
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from .entities import Entity
from .records import RecordData, RecordQuery
from .records.common import entity_of


def caller() -> Any:
    """The signed-in user, or the owner of the request's valid bearer token (`Authorization: Bearer ...`), or
    None: for a plugin page that API clients call too."""
    from .tokens import authenticate_bearer

    if current_user.is_authenticated:
        return current_user._get_current_object()
    found = authenticate_bearer(request.headers.get("Authorization"))
    return found[0] if found is not None else None


def list_query(entity: Entity | str, args: Mapping[str, Any], user: Any) -> RecordQuery:
    """The records a list page's URL arguments ask for (filters, `filter` tree, tag, search and sort) as `user`
    may see them; QueryError (a 400) names what cannot be read, a hidden field included."""
    from .views import ListState, visible_fields

    e = entity_of(entity)
    shown = {f.name: f for f in visible_fields(e, user)}
    given = args if isinstance(args, MultiDict) else MultiDict(args)
    return ListState.read(e, given, shown).query(e, user, shown)


def shown_fields(entity: Entity | str, record: RecordData, user: Any) -> dict[str, tuple[str, str]]:
    """Each field of `record` that `user` may see, by name: its label and its text as the generic pages show it."""
    from .views import Presenter

    presenter = Presenter(entity_of(entity), [record], user)
    return {s.name: (s.label, s.text) for s in presenter.row(record)}


def signed_form(view: Any) -> Any:
    """Mark a view of a public page (no sign-in) whose form posts back a signed token of its own, such as a
    quote's accept link: there is no session to tie a CSRF token to, so the session CSRF check skips it and
    the view must check its token before it writes anything."""
    from .security import csrf

    return csrf.exempt(view)
