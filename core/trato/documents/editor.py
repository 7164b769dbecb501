"""What the admin's template editor does: list merge fields, check and save a template, preview it, reset it."""
from __future__ import annotations

from typing import Any

from flask_babel import force_locale

from .. import db
from ..entities import Entity
from ..models import utcnow
from ..records.common import user_id
from .context import names, sample
from .models import DocumentTemplate
from .pdf import write_pdf
from .render import checked, html, roots
from .templates import Found, admin_template, default_source


def merge_fields(entity: Entity, user: Any, language: str) -> list[str]:
    """The dotted names a template for `entity` may use, as `user` (the admin) sees the entity."""
    with force_locale(language):
        return names(sample(entity, user, language))


def source(entity: Entity, language: str) -> tuple[str, str]:
    """The template's source as the editor opens it, and where it comes from (an admin's edit, or the default)."""
    edited = admin_template(entity.name, language)
    if edited is not None:
        return edited.body, f"admin:{entity.name}.{language}"
    return default_source(entity.name, language)


def save(entity: Entity, language: str, body: str, user: Any) -> DocumentTemplate:
    """Check `body` (TemplateRefused naming the line) and keep it as the entity's template in `language`."""
    checked(entity, body, user, language)
    session = db.session()
    row = admin_template(entity.name, language)
    if row is None:
        row = DocumentTemplate(entity=entity.name, language=language, name=entity.name)
        session.add(row)
    row.body, row.updated_by, row.updated_at = body, user_id(user), utcnow()
    session.commit()
    return row


def reset(entity: Entity, language: str) -> bool:
    """Drop the admin's template (the theme's, plugin's or generic one applies again); whether there was one."""
    session = db.session()
    row = admin_template(entity.name, language)
    if row is None:
        return False
    session.delete(row)
    session.commit()
    return True


def preview(entity: Entity, record_id: int, body: str, user: Any, language: str) -> bytes:
    """The PDF of a record through `body`, saved or not (checked first, like a save)."""
    template = checked(entity, body, user, language)
    page = html(entity, record_id, user, language, choose=lambda: Found(template, "preview"))[0]
    return write_pdf(page, roots())
