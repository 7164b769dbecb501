"""A small team at once, through gunicorn's worker processes: writes, sign-ins, lost races, schema and plugin
changes under load, and not one server error (issue 12, reliability item 1).

On SQLite a transaction that began as a reader and then wrote was refused the
write lock at once whenever another process had written meanwhile: most of
these requests were 500 "database is locked". Runs on both databases.
"""
from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from trato.testing import throwaway_database

from .support.live import Server, Visitor, base_env, start_gunicorn, trato, write_token

ADMIN = ("admin@example.com", "a-long-admin-password")
CLIENTS = 16


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory, installed_samples: str
         ) -> Iterator[tuple[Server, dict[str, str]]]:
    """gunicorn (three workers of four threads) on a database with contacts and the greet sample enabled."""
    folder = tmp_path_factory.mktemp("team")
    with throwaway_database(folder) as url:
        env = base_env(str(folder / "instance"), url, installed_samples)
        # Sixteen clients share one token and one address here: the API's rate limits are not what is tested.
        env.update(TRATO_API_REQUESTS_PER_MINUTE="100000", TRATO_API_REQUESTS_PER_MINUTE_PER_IP="100000")
        trato("init", "--admin-email", ADMIN[0], "--admin-password", ADMIN[1], env=env)
        trato("plugins", "enable", "contacts", env=env)
        trato("plugins", "enable", "greet", env=env)
        server = start_gunicorn(env, str(folder / "gunicorn.log"))
        try:
            yield server, env
        finally:
            server.stop()


def at_once(count: int, work: Callable[[int], Any]) -> list[Any]:
    """`work(n)` for n in range(count), all released together by a barrier."""
    barrier = threading.Barrier(count)

    def run(n: int) -> Any:
        barrier.wait()
        return work(n)

    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(run, range(count)))


def server_errors(statuses: Counter[int]) -> int:
    return sum(n for status, n in statuses.items() if status >= 500)


def test_concurrent_writers_schema_and_plugin_changes_get_no_server_error(team):
    server, env = team
    admin = Visitor(server.url)
    admin.sign_in(*ADMIN)
    api = write_token(admin, server)
    hot = [api.call("POST", "contacts_contact", {"first_name": "Hot", "last_name": f"{n}"})[2]["id"]
           for n in range(4)]
    statuses: Counter[int] = Counter()
    created: list[int] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        for step in range(10):
            answers = []
            status, _kind, body = api.call("POST", "contacts_contact",
                                           {"first_name": f"Ana {n}", "last_name": f"Paso {step}"},
                                           headers={"Idempotency-Key": f"k-{n}-{step}"} if step % 2 else None)
            answers.append(status)
            if status == 201:
                with lock:
                    created.append(body["id"])
            path = f"contacts_contact/{hot[step % len(hot)]}"
            status, _kind, body = api.call("GET", path)
            answers.append(status)
            if status == 200:
                answers.append(api.call("PATCH", path, {"job_title": f"Puesto {n}.{step}"},
                                        headers={"If-Match": f'"{body["version"]}"'})[0])
            answers.append(api.call("GET", "contacts_contact?limit=10&sort=-updated_at")[0])
            with lock:
                statuses.update(answers)

    with ThreadPoolExecutor(CLIENTS + 1) as pool:
        load = [pool.submit(client, n) for n in range(CLIENTS)]
        field = admin.post("/admin/entities/contacts_contact/fields",
                           {"field-name": "shoe_size", "field-type": "integer", "field-label_en": "Shoe size"},
                           token_from="/admin/entities/contacts_contact")
        disabled = trato("plugins", "disable", "greet", env=env, check=False)
        for done in load:
            done.result()

    assert server_errors(statuses) == 0, (statuses, server.output())
    assert statuses[201] == len(created) > 0 and set(statuses) <= {200, 201, 412}, statuses
    assert field[0] == 200 and "was added" in field[1], field[1][:2000]
    assert disabled.returncode == 0, disabled.stderr
    listed = api.call("GET", "contacts_contact?limit=200&last_name__startswith=Paso")[2]["data"]
    assert sorted(r["id"] for r in listed) == sorted(created)
    assert "cf_shoe_size" in listed[0]


def test_of_racing_edits_exactly_one_wins_and_the_others_are_told_412(team):
    server, _env = team
    admin = Visitor(server.url)
    admin.sign_in(*ADMIN)
    api = write_token(admin, server)
    contact = api.call("POST", "contacts_contact", {"first_name": "Carmen", "last_name": "Disputada"})[2]

    answers = at_once(12, lambda n: api.call("PATCH", f"contacts_contact/{contact['id']}", {"job_title": f"T{n}"},
                                             headers={"If-Match": f'"{contact["version"]}"'}))

    statuses = Counter(status for status, _kind, _body in answers)
    assert statuses == {200: 1, 412: 11}, (statuses, server.output())
    winner = next(body for status, _kind, body in answers if status == 200)
    final = api.call("GET", f"contacts_contact/{contact['id']}")[2]
    assert final["version"] == contact["version"] + 1 and final["job_title"] == winner["job_title"]


def test_simultaneous_sign_ins_all_answer(team):
    server, _env = team
    visitors = [Visitor(server.url) for _ in range(16)]
    for visitor in visitors:
        visitor.get("/login")  # each gets its cookie and CSRF token before the race

    def sign_in(n: int) -> tuple[int, str]:
        # The failures are another account's, so that they cannot lock the administrator out meanwhile.
        form = {"email": ADMIN[0], "password": ADMIN[1]} if n < 8 else {"email": "nobody@example.com",
                                                                         "password": f"wrong password {n}"}
        return visitors[n].post("/login", form, token_from="/login")

    answers = at_once(16, sign_in)

    assert all(status == 200 and "Sign out" in page for status, page in answers[:8]), server.output()
    assert all(status in (422, 429) and "Sign out" not in page for status, page in answers[8:]), server.output()
