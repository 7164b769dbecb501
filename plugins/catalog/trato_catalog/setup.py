"""The language the catalog's set-up rows are made in."""
from __future__ import annotations

from flask import has_app_context
from flask_babel import get_locale

from trato import fields


def install_language() -> str:
    """The signed-in person's language (or the one a command forces), else the install's (`default_locale`)."""
    locale = get_locale() if has_app_context() else None
    language = locale.language if locale is not None else fields.install_language()
    return "es" if language == "es" else "en"
