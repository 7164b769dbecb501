"""The WSGI application for production servers: `gunicorn trato.wsgi:app`.

Settings come from the `TRATO_*` environment and the instance folder's
`trato.toml`, as for the `trato` command.
"""
from .app import create_app

app = create_app()
