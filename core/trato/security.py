"""CSRF, sign-in sessions that the server can revoke, and security headers."""
from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import Flask, Response, abort, redirect, render_template, request, url_for
from flask_login import LoginManager
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix

from . import sessions
from .i18n import _
from .models import User

csrf = CSRFProtect()
login_manager = LoginManager()

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; "
    "object-src 'none'"
)
# Browsers that saw Trato over https keep to https for a year (subdomains are left to their own owners).
HSTS = "max-age=31536000"


def load_user(user_id: str) -> User | None:
    """The user of this browser's live server-side session (sessions.py); None signs the browser out."""
    user = sessions.current(user_id)
    if user is None:
        sessions.forget()
    return user


def safe_next(target: str | None, fallback: str) -> str:
    """Only same-site paths are followed after sign-in or a language switch."""
    if not target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    return target


def _login_redirect() -> Any:
    if request.headers.get("HX-Request"):
        return Response("", 401, {"HX-Redirect": url_for("auth.login")})
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def _csrf_failed(err: CSRFError) -> Any:
    if request.headers.get("HX-Request"):
        return Response("", 401, {"HX-Redirect": url_for("auth.login")})
    return render_template("errors/error.html", code=400, reason=err.description), 400


def _refuse_nul_bytes() -> None:
    """A NUL character is in no real input and PostgreSQL cannot store one: a 400 here, not a 500 later."""
    fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
    # A multipart part whose name werkzeug cannot read (name="%0A") comes with None as its key.
    if "\x00" in request.path or any("\x00" in (key or "") or "\x00" in value for key, value in fields):
        abort(400, description=_("The request contains a NUL character, which no field accepts."))


def _headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CSP)
    if request.is_secure:  # https as the client sees it: ProxyFix or gunicorn set the scheme behind a proxy
        response.headers["Strict-Transport-Security"] = HSTS
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "same-origin"
    response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    settings = app.extensions["trato"].settings
    if settings.trusted_proxies:
        # The client's address (sign-in throttling, security events) and scheme as the proxies saw them.
        hops = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]
    sessions.init_app(app, settings)
    app.before_request(_refuse_nul_bytes)
    csrf.init_app(app)
    login_manager.init_app(app)
    login_manager.user_loader(load_user)
    login_manager.unauthorized_handler(_login_redirect)
    login_manager.session_protection = "basic"
    app.register_error_handler(CSRFError, _csrf_failed)
    app.after_request(_headers)
