"""The WSGI application for production servers: `gunicorn trato.wsgi:app`.

Settings come from the `TRATO_*` environment and the instance folder's
`trato.toml`, as for the `trato` command. The app is warmed up here, so that
with gunicorn's `preload_app` every worker forks from a process that has
already done what each would otherwise do on its first request. A setting
or an instance folder that cannot work stops it with one line saying why.
"""
from .app import create_app, warm_up
from .errors import TratoError

try:
    app = create_app()
except TratoError as exc:
    raise SystemExit(f"Error: {exc}") from None
warm_up(app)
