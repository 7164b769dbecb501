"""Two real server processes on one database: a schema change made through one is used in the other's next request.

Nothing is waited for between the change and the request: each worker
checks the `schema` counter at the start of every request and rebuilds the
entities that moved (issue 4, item 3).
"""
from __future__ import annotations

import urllib.parse

from .support.live import Visitor, base_env, start_server, trato, write_token

ADMIN = ("admin@example.com", "a-long-admin-password")


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
