"""Themes: folders of templates and static files looked up before the default.

The active theme (setting `theme`) is searched first, then `default`, then
the blueprints' own template folders; so a theme can override any page,
including a plugin's, and a small theme only ships a stylesheet.
"""
from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, send_from_directory
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.wrappers import Response

from .errors import ConfigError
from .resources import resource_dir

DEFAULT = "default"


def available() -> list[str]:
    return sorted(p.name for p in resource_dir("themes").iterdir()
                  if (p / "templates").is_dir() or (p / "static").is_dir())


def theme_chain(active: str) -> list[Path]:
    root = resource_dir("themes")
    if not (root / active).is_dir():
        raise ConfigError(f"TRATO_THEME: there is no theme {active!r}; available: {', '.join(available())}")
    names = [active] if active == DEFAULT else [active, DEFAULT]
    return [root / n for n in names]


def init_app(app: Flask, active: str) -> None:
    chain = theme_chain(active)
    app.jinja_loader = ChoiceLoader(
        [FileSystemLoader(str(d / "templates")) for d in chain if (d / "templates").is_dir()]
    )
    static_dirs = [d / "static" for d in chain if (d / "static").is_dir()]

    def static(filename: str) -> Response:
        for folder in static_dirs:
            if (folder / filename).is_file():
                return send_from_directory(folder, filename, max_age=3600)
        abort(404)

    app.add_url_rule("/static/<path:filename>", endpoint="static", view_func=static)
    app.jinja_env.globals["active_theme"] = active
