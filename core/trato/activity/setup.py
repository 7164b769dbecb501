"""Mounting the activity pages and the core's record hooks into an app."""
from __future__ import annotations

from flask import Flask

from . import hooks, record_views, user_views  # noqa: F401  (the views add their routes to bp)
from .blueprint import bp


def register(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions["trato"].plugins.pm.register(hooks, name=hooks.NAME)
