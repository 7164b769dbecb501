"""/api/v1/<plugin>/...: REST calls a plugin adds beside its entities' records (a forecast, a pipeline move).

A plugin returns `ApiEndpoint`s from its `api_endpoints` hook. Each is
mounted as a rule of the API blueprint, so it gets what every call there
gets: the bearer token (read and write for anything but a GET), the rate
limits, problem+json for every refusal the handler raises (`ValidationFailed`
naming the fields, `RecordNotFound`, `PermissionRefused`, ...), and
`Idempotency-Key` on POST. Rules are mounted once per process for every
loaded plugin (a static prefix, so they win over the entity routes); while
the plugin is disabled they answer 404.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Flask, Response, current_app, g, jsonify, request
from werkzeug.datastructures import MultiDict

from .. import access
from ..i18n import _
from . import http, idempotency
from .problems import Problem

if TYPE_CHECKING:
    from ..hooks.host import PluginHost

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
WITH_BODY = frozenset({"POST", "PUT", "PATCH"})
PATH = re.compile(r"^(?:[a-z0-9_-]+|<(?:int:|string:)?[a-z_][a-z0-9_]*>)"
                  r"(?:/(?:[a-z0-9_-]+|<(?:int:|string:)?[a-z_][a-z0-9_]*>))*$")
VARIABLE = re.compile(r"<(?:(int|string):)?([a-z_][a-z0-9_]*)>")


@dataclass(frozen=True)
class ApiCall:
    """What a plugin's endpoint handler gets: who calls, the JSON object sent (None for GET and DELETE), the query."""

    user: Any
    body: Mapping[str, Any] | None
    query: MultiDict[str, str]


@dataclass(frozen=True)
class ApiEndpoint:
    """`METHOD /api/v1/<plugin>/<path>`, answered by `handler(call, **url_values)`.

    `path` is relative, with Flask's `<name>` and `<int:name>` variables
    (`deals/<int:deal_id>/forecast`). The handler returns what to answer as
    JSON with `status` (nothing, for a 204), and raises the record service's
    errors to refuse; it reads and writes through `trato.records` with
    `call.user`, so the user's access applies. `permission` names a
    permission (the `permissions` hook) the caller must hold, else 403.
    `summary` (a lazy string), `takes` and `answers` (JSON Schemas of the body
    and the answer) describe it in the OpenAPI document.
    """

    path: str
    handler: Callable[..., Any]
    method: str = "GET"
    status: int = 200
    permission: str | None = None
    summary: Any = ""
    takes: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)
    answers: Mapping[str, Any] | None = field(default=None, hash=False, compare=False)

    def __post_init__(self) -> None:
        if self.method.upper() not in METHODS:
            raise ValueError(f"ApiEndpoint method {self.method!r} is not one of {', '.join(METHODS)}")
        if not PATH.match(self.path):
            raise ValueError(f"ApiEndpoint path {self.path!r} must be relative: words and <name> or <int:name>, "
                             "separated by /")

    def operation_id(self, plugin: str) -> str:
        """A name for the call, unique across plugins: the OpenAPI operationId and the Flask endpoint."""
        words = re.sub(r"[^a-z0-9]+", "_", VARIABLE.sub(r"\2", self.path)).strip("_")
        return f"{plugin}_{self.method.lower()}_{words}"

    def openapi_path(self, plugin: str) -> str:
        return f"/api/v1/{plugin}/" + VARIABLE.sub(r"{\2}", self.path)

    def variables(self) -> list[tuple[str, str]]:
        """The path's variables as (name, JSON type)."""
        return [(name, "integer" if kind == "int" else "string") for kind, name in VARIABLE.findall(self.path)]


def declared(host: PluginHost, plugins: Iterable[str]) -> list[tuple[str, ApiEndpoint]]:
    """(plugin, endpoint) for every endpoint that the hook implementations of `plugins` return.

    A plugin whose hook raises (a malformed `ApiEndpoint`) is marked broken, with the reason, and left out.
    """
    wanted, found = set(plugins), []
    for impl in host.all_hooks.api_endpoints.get_hookimpls():
        if impl.plugin_name not in wanted:
            continue
        try:
            found.extend((impl.plugin_name, endpoint) for endpoint in impl.function() or [])
        except (TypeError, ValueError) as exc:
            host.mark_broken(impl.plugin_name, f"api_endpoints: {exc}")
    return found


def offered() -> list[tuple[str, ApiEndpoint]]:
    """(plugin, endpoint) for the enabled plugins' endpoints."""
    host = current_app.extensions["trato"].plugins
    return declared(host, host.enabled)


def _view(plugin: str, endpoint: ApiEndpoint) -> Callable[..., Response]:
    """The Flask view that serves `endpoint` of `plugin`."""

    def view(**values: Any) -> Response:
        if not current_app.extensions["trato"].plugins.is_enabled(plugin):
            detail = _("No plugin called %(plugin)r is enabled.", plugin=plugin)
            raise Problem(404, _("Not found"), detail, "unknown-plugin", {"plugin": [detail]})
        if endpoint.permission:
            access.require(g.api_user, endpoint.permission)
        method = request.method
        body = http.json_object() if method in WITH_BODY else None

        def answer() -> Response:
            result = endpoint.handler(ApiCall(g.api_user, body, request.args), **values)
            if isinstance(result, Response):  # a file, or a refusal no exception of the core names
                return result
            response = Response(status=endpoint.status) if result is None else jsonify(result)
            response.status_code = endpoint.status
            return response

        return idempotency.for_request(body, answer) if method == "POST" else answer()

    return view


def mount(app: Flask, host: PluginHost, plugins: Iterable[str]) -> None:
    """Add the endpoints of the loaded plugins `plugins` to `app`, under the API blueprint (its auth and errors)."""
    for plugin, endpoint in declared(host, plugins):
        app.add_url_rule(f"/api/v1/{plugin}/{endpoint.path}", endpoint=f"api.{endpoint.operation_id(plugin)}",
                         view_func=_view(plugin, endpoint), methods=[endpoint.method.upper()])
