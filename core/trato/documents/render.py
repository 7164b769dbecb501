"""One render: a record's merge fields, in its language, through its template, to HTML (and PDF)."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from flask import current_app, has_request_context
from flask_babel import force_locale
from jinja2 import Template

from .. import records
from ..entities import Entity
from ..i18n import LANGUAGES, _
from .context import build, sample
from .errors import DocumentError
from .sandbox import check, run
from .templates import Found, find, sandbox


def language_of(user: Any, language: str | None = None) -> str:
    """The document's language: the one asked for, else the user's, else the install's default."""
    if language is not None:
        if language not in LANGUAGES:
            raise DocumentError(_("Documents are made in %(languages)s, not in “%(language)s”.",
                                  languages=", ".join(LANGUAGES), language=language))
        return language
    chosen = getattr(user, "locale", None)
    if chosen in LANGUAGES:
        return str(chosen)
    return str(current_app.extensions["trato"].settings.default_locale)


def roots() -> list[Path]:
    """The folders a document may take files from: the instance's uploads (company logos)."""
    return [current_app.extensions["trato"].settings.upload_path]


@contextmanager
def _rendering(language: str) -> Iterator[None]:
    """In `language`, and in a request: a job or a command renders too, and the formatting of related records
    (views.Presenter) builds their links with url_for."""
    with nullcontext() if has_request_context() else current_app.test_request_context(), force_locale(language):
        yield


def checked(entity: Entity, source: str, user: Any, language: str) -> Template:
    """`source` compiled and tried on sample merge fields, or TemplateRefused saying what and where."""
    with _rendering(language):
        context = sample(entity, user, language)
        template = check(sandbox(), source, context)
        run(lambda: template.render(context))
    return template


def html(entity: Entity, record_id: int, user: Any, language: str,
         choose: Callable[[], Found] | None = None, template: str | None = None) -> tuple[str, str, str]:
    """The record's HTML, the template's origin and the record's title, rendered in `language`.

    The template is the entity's (templates.find), the file `template`, or
    what `choose` gives (the editor's unsaved source).
    """
    with _rendering(language):
        record = records.get(entity, record_id, user=user)
        context = build(entity, record, user, language)
        found = run(choose or (lambda: find(entity.name, language, template)))
        out = run(lambda: found.template.render(context))
        return out, found.origin, str(context["document"]["title"])
