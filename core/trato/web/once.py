"""Pages that show a secret once (a new token, recovery codes, a one-time link): never cached."""
from __future__ import annotations

from typing import Any

from flask import Response, make_response, render_template


def shown_once(template: str, status: int = 200, **context: Any) -> Response:
    """Render `template` with `Cache-Control: no-store`, so the secret stays out of every cache."""
    response = make_response(render_template(template, **context), status)
    response.headers["Cache-Control"] = "no-store"
    return response
