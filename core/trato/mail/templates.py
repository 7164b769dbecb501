"""Mail templates per entity and language: a subject and a plain-text body with the merge fields of documents.

They run in the documents' sandbox (trato.documents.sandbox) on the same
merge fields (trato.documents.context): a template is checked on sample
merge fields when saved, and a merge field that is missing when a record is
rendered is a TemplateRefused naming the line, never a 500. Jinja escapes
what it merges as HTML; the text is unescaped after, since a mail's text
part is not HTML (its HTML part is made from the text, escaped again).
"""
from __future__ import annotations

import html
from typing import Any

from flask_babel import force_locale
from sqlalchemy import select

from .. import db
from ..documents.context import sample
from ..documents.render import checked, html as render_html, language_of
from ..documents.sandbox import run
from ..documents.templates import Found, sandbox
from ..entities import Entity
from ..models import utcnow
from .models import MailTemplate

__all__ = ["check", "find", "language_of", "of", "preview", "render", "save"]


def of(entity: str, language: str) -> list[MailTemplate]:
    """The entity's templates in `language`, by name."""
    return list(db.session().scalars(select(MailTemplate).where(MailTemplate.entity == entity,
                                                                MailTemplate.language == language)
                                     .order_by(MailTemplate.name)))


def find(template_id: int, entity: str) -> MailTemplate | None:
    found = db.session().get(MailTemplate, template_id) if template_id else None
    return found if found is not None and found.entity == entity else None


def check(entity: Entity, subject: str, body: str, user: Any, language: str) -> None:
    """TemplateRefused (with `part` set to "subject" or "body") when either would fail on sample merge fields."""
    from ..documents import TemplateRefused

    for part, source in (("subject", subject), ("body", body)):
        try:
            checked(entity, source, user, language)
        except TemplateRefused as exc:
            exc.part = part  # type: ignore[attr-defined]
            raise


def _text(out: str) -> str:
    return html.unescape(out)


def render(template: MailTemplate, entity: Entity, record_id: int, user: Any) -> tuple[str, str]:
    """The subject (one line) and text of `template` on the record as `user` sees it; TemplateRefused."""
    env = sandbox()

    def part(source: str) -> str:
        compiled = run(lambda: env.from_string(source))
        return _text(render_html(entity, record_id, user, template.language,
                                 choose=lambda: Found(compiled, f"mail:{template.id}"))[0])

    return " ".join(part(template.subject).split()), part(template.body).strip() + "\n"


def preview(entity: Entity, subject: str, body: str, user: Any, language: str) -> tuple[str, str]:
    """Subject and text on sample merge fields (each field's label in brackets), for the editor."""
    env = sandbox()
    with force_locale(language):
        context = sample(entity, user, language)
        out = [_text(run(lambda s=source: env.from_string(s).render(context))) for source in (subject, body)]
    return " ".join(out[0].split()), out[1].strip() + "\n"


def save(template: MailTemplate | None, entity: Entity, language: str, name: str, subject: str, body: str,
         user: Any) -> MailTemplate:
    """Check and keep an admin's template (new when `template` is None), in the caller's transaction."""
    check(entity, subject, body, user, language)
    if template is None:
        template = MailTemplate(entity=entity.name, language=language)
        db.session().add(template)
    template.name, template.subject, template.body = name.strip(), subject, body
    template.updated_by, template.updated_at = user.id, utcnow()
    return template
