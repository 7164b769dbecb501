"""English and Spanish: locale and time zone per request, and each plugin's catalogue."""
from __future__ import annotations

from typing import Any

from flask import Flask, has_request_context, request, session
from flask_babel import Babel, get_locale
from flask_babel import gettext as _  # noqa: F401  (re-exported for the core's modules)
from flask_babel import lazy_gettext as _l  # noqa: F401
from flask_login import current_user
from pytz import all_timezones_set  # the zones Flask-Babel can convert to

from .formatting import money, percent
from .hooks.host import PluginHost
from .resources import package_dir

LANGUAGES: dict[str, str] = {"en": "English", "es": "Español"}


def select_locale() -> str | None:
    if not has_request_context():  # CLI, jobs, start-up: the default locale
        return None
    user: Any = current_user
    if getattr(user, "is_authenticated", False) and user.locale in LANGUAGES:
        return str(user.locale)
    chosen = session.get("locale")
    if chosen in LANGUAGES:
        return str(chosen)
    return request.accept_languages.best_match(list(LANGUAGES))


def select_timezone() -> str | None:
    """The user's zone; None means the `default_timezone` setting.

    Dates are stored in UTC and Flask-Babel's date filters convert them to
    this zone; a name it does not know falls back to the default rather
    than failing every page.
    """
    user: Any = current_user
    if getattr(user, "is_authenticated", False) and user.timezone in all_timezones_set:
        return str(user.timezone)
    return None


def translation_dirs(host: PluginHost) -> list[str]:
    """The core's catalogue first, then every loaded plugin's."""
    dirs = [str(package_dir() / "translations")]
    for record in host.loaded.values():
        if record.plugin and record.plugin.translations_path:
            dirs.append(str(record.plugin.translations_path))
    return dirs


def init_app(app: Flask, host: PluginHost) -> None:
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(translation_dirs(host))
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, current_locale=lambda: str(get_locale() or "en"))
    app.jinja_env.filters["money"] = money
    app.jinja_env.filters["percent"] = percent
