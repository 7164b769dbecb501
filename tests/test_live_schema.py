"""Two real server processes on one database: a schema change made through one is used in the other's next request.

Nothing is waited for between the change and the request: each worker
checks the `schema` counter at the start of every request and rebuilds the
entities that moved (issue 4, item 3).
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .support.live import Server, Visitor, base_env, start_server, trato

ADMIN = ("admin@example.com", "a-long-admin-password")
NEW_TOKEN = re.compile(r'id="new-token"[^>]*value="(trato_[^"]+)"')


class ApiClient:
    """Bearer-token JSON calls to one server's /api/v1."""

    def __init__(self, server: Server, token: str) -> None:
        self.server = server
        self.token = token

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
             ) -> tuple[int, str, Any]:
        """Status, content type and decoded JSON body (None when there is none)."""
        data = None if body is None else json.dumps(body).encode()
        sent = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(self.server.url + "/api/v1/" + path, data=data, method=method,
                                         headers=sent)
        try:
            with urllib.request.urlopen(request, timeout=30) as resp:
                status, kind, raw = resp.status, resp.headers.get_content_type(), resp.read()
        except urllib.error.HTTPError as err:
            status, kind, raw = err.code, err.headers.get_content_type(), err.read()
        return status, kind, json.loads(raw) if raw else None


def write_token(visitor: Visitor, server: Server) -> ApiClient:
    """A read-and-write API token made on the profile page of `server`."""
    status, page = visitor.post("/profile/tokens", {"name": "live schema test", "scope": "write", "days": "7"},
                                token_from="/profile/tokens")
    match = NEW_TOKEN.search(page)
    assert status == 200 and match, page[:2000]
    return ApiClient(server, match.group(1))


def add_field(admin: Visitor, entity: str, form: dict[str, str]) -> None:
    page_url = f"/admin/entities/{entity}"
    status, page = admin.post(f"{page_url}/fields", {f"field-{k}": v for k, v in form.items()}, token_from=page_url)
    assert status == 200 and "was added" in page, page[:2000]


def test_fields_and_entities_made_in_one_process_are_used_by_the_next_request_to_another(tmp_path, trato_db_url):
    env = base_env(str(tmp_path / "instance"), trato_db_url, str(tmp_path))
    trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
    first, second = start_server(env, str(tmp_path / "first.log")), start_server(env, str(tmp_path / "second.log"))
    try:
        admin, other = Visitor(first.url), Visitor(second.url)
        admin.sign_in(*ADMIN)
        other.sign_in(*ADMIN)
        api = write_token(other, second)
        assert api.call("GET", "x_vehicle")[0] == 404  # the second process has served requests before

        status, page = admin.post("/admin/entities", {"entity-name": "vehicle", "entity-label_en": "Vehicle",
                                                      "entity-plural_en": "Vehicles"}, token_from="/admin/entities")
        assert status == 200 and "Vehicle was created" in page, page[:2000]
        add_field(admin, "x_vehicle", {"name": "plate", "type": "text", "label_en": "Plate", "filterable": "y"})
        add_field(admin, "x_vehicle", {"name": "price", "type": "money", "label_en": "Price"})

        # The very next request to the second process uses the new entity and its new fields.
        status, _kind, made = api.call("POST", "x_vehicle", {"plate": "1234-BCD",
                                                             "price": {"amount": "19999.995", "currency": "EUR"}})
        assert status == 201, (made, second.output())
        assert made["plate"] == "1234-BCD" and made["price"] == {"amount": "20000.00", "currency": "EUR"}
        status, _kind, read = api.call("GET", f"x_vehicle/{made['id']}")
        assert status == 200 and read == made
        api.call("POST", "x_vehicle", {"plate": "9876-XYZ"})
        status, _kind, listed = api.call("GET", "x_vehicle?" + urllib.parse.urlencode({"plate": "1234-BCD"}))
        assert status == 200 and [r["id"] for r in listed["data"]] == [made["id"]]
        status, _kind, listed = api.call("GET", "x_vehicle?price__gte=20000")
        assert [r["plate"] for r in listed["data"]] == ["1234-BCD"]

        # A field added now is taken in the very next request too, by an update.
        add_field(admin, "x_vehicle", {"name": "seats", "type": "integer", "label_en": "Seats"})
        status, _kind, changed = api.call("PATCH", f"x_vehicle/{made['id']}", {"seats": 5},
                                          {"If-Match": f'"{made["version"]}"'})
        assert status == 200 and changed["seats"] == 5 and changed["plate"] == "1234-BCD", changed

        # Deleted in the first process: the second refuses the field in its very next request, naming it.
        delete_url = "/admin/entities/x_vehicle/fields/plate/delete"
        status, page = admin.post(delete_url, {"delete-confirm": "plate"}, token_from=delete_url)
        assert status == 200 and "was deleted" in page, page[:2000]
        status, kind, problem = api.call("POST", "x_vehicle", {"plate": "5555-KLM"})
        assert status == 422 and kind == "application/problem+json", problem
        assert list(problem["errors"]) == ["plate"]
        status, kind, problem = api.call("GET", "x_vehicle?plate=1234-BCD")
        assert status == 400 and kind == "application/problem+json" and "plate" in problem["errors"], problem
        status, _kind, read = api.call("GET", f"x_vehicle/{made['id']}")
        assert "plate" not in read and read["seats"] == 5
    finally:
        for server in (first, second):
            server.stop()
