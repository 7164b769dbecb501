"""Where an entity's document template comes from, first found wins:

1. an admin's edited template (core_document_template) for the entity and language;
2. the active theme's `templates/documents/<entity>.<lang>.html`, then `<entity>.html`
   (the default theme after the active one);
3. an enabled plugin's `templates/<plugin>/documents/<entity>.<lang>.html` or `<entity>.html`;
4. the core's generic document, `documents/generic.html` of the theme.

Every template runs in the sandbox (documents.sandbox) and may extend the
theme's `layout.html` (letterhead and print CSS) through the same loader.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from flask import current_app
from jinja2 import BaseLoader, ChoiceLoader, FileSystemLoader, Template, TemplateNotFound
from sqlalchemy import select

from .. import db
from ..i18n import _
from ..resources import resource_dir
from ..themes import theme_chain
from .errors import DocumentError
from .models import DocumentTemplate
from .sandbox import DocumentEnvironment, environment

GENERIC = "generic.html"
CACHE = "trato.documents"  # app.extensions key: the sandbox per set of enabled plugins


@dataclass(frozen=True)
class Found:
    """A template, and where it came from ("admin", "theme", "plugin" or "generic" and its name), for the
    record of a kept document."""

    template: Template
    origin: str


def _folders() -> list[Path]:
    """The documents/ folders searched: the theme chain's, then each enabled plugin's, by name."""
    state = current_app.extensions["trato"]
    folders = [d / "templates" / "documents" for d in theme_chain(state.settings.theme)]
    host = state.plugins
    for name in sorted(host.enabled):
        record = host.loaded.get(name)
        if record is not None and record.plugin is not None:
            folders.append(record.plugin.package_path() / "templates" / name / "documents")
    return [f for f in folders if f.is_dir()]


def sandbox() -> DocumentEnvironment:
    """This app's sandbox for the enabled plugins (made once per set: its template cache is kept)."""
    folders = tuple(_folders())
    made: dict[tuple[Path, ...], DocumentEnvironment] = current_app.extensions.setdefault(CACHE, {})
    if folders not in made:
        loader: BaseLoader = ChoiceLoader([FileSystemLoader(str(f)) for f in folders])
        made[folders] = environment(loader)
    return made[folders]


def admin_template(entity: str, language: str) -> DocumentTemplate | None:
    return db.session().scalar(select(DocumentTemplate).where(DocumentTemplate.entity == entity,
                                                              DocumentTemplate.language == language))


def _origin(template: Template) -> str:
    """"theme:<file>" or "plugin:<file>", by the folder the file was found in."""
    path = Path(template.filename or "")
    kind = "theme" if resource_dir("themes") in path.parents else "plugin"
    return "generic" if template.name == GENERIC else f"{kind}:{template.name}"


def file_names(entity: str, language: str) -> list[str]:
    return [f"{entity}.{language}.html", f"{entity}.html"]


def find(entity: str, language: str, name: str | None = None) -> Found:
    """The template for `entity` in `language` (or the file `name`, asked for by a caller), as listed above."""
    env = sandbox()
    if name is not None:
        try:
            template = env.get_template(name)
        except TemplateNotFound:
            raise DocumentError(_("There is no document template named %(name)s.", name=name)) from None
        return Found(template, _origin(template))
    edited = admin_template(entity, language)
    if edited is not None:
        return Found(env.from_string(edited.body), f"admin:{entity}.{language}")
    template = env.select_template([*file_names(entity, language), GENERIC])
    return Found(template, _origin(template))


def default_source(entity: str, language: str) -> tuple[str, str]:
    """The source an admin's template replaces (the theme's, a plugin's or the generic one) and its origin."""
    env = sandbox()
    template = env.select_template([*file_names(entity, language), GENERIC])
    loader = env.loader
    assert loader is not None
    source, _filename, _uptodate = loader.get_source(env, template.name or GENERIC)
    return source, _origin(template)
