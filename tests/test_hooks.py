"""One test per hook the core calls (see tests/test_hook_contract.py), through the greet sample plugin.

Each shows the hook's effect where a user or an operator meets it, and that a
disabled plugin's implementation has no effect.
"""
from __future__ import annotations

import re
from datetime import datetime

import pytest
from sqlalchemy import func, select
from trato_greet import hooks as greet_hooks
from trato_greet.models import Greeting, Tick

from trato.demo import load_demo
from trato.hooks import switch


def count(app, model) -> int:
    with app.extensions["trato"].sessionmaker() as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def main_menu(page: str) -> str:
    return page.split('<nav class="offcanvas-body"', 1)[1].split("</nav>", 1)[0]


def menu_link(href: str, label: str) -> str:
    """A side-menu entry: the link and, inside it, the entry's title."""
    return rf'<a class="nav-link" href="{href}"[^>]*>(?:(?!</a>).)*<span class="nav-link-title">{label}</span>'


def card(title: str, body: str) -> str:
    """A card headed `title` with `body` in it before any other heading."""
    return rf'<h2 class="card-title">{title}</h2>(?:(?!<h2).)*{body}'



@pytest.fixture
def events() -> list[tuple[str, str]]:
    """What greet's plugin_enabled and plugin_disabled recorded, from the test's start."""
    greet_hooks.EVENTS.clear()
    return greet_hooks.EVENTS


def test_hook_blueprints(greet_app, client_as):
    assert greet_app.blueprints["greet"].url_prefix == "/greet"
    client = client_as("user")
    client.post("/greet/", data={"text": "Hola, equipo"})
    assert "<li>Hola, equipo</li>" in client.get("/greet/").text
    switch.disable(greet_app, "greet")
    assert client.get("/greet/").status_code == 404


def test_hook_navigation(greet_app, client_as):
    client = client_as("user")
    assert re.search(menu_link("/greet/", "Greetings"), main_menu(client.get("/").text), re.S)
    assert re.search(menu_link("/greet/", "Saludos"),
                     main_menu(client.get("/", headers={"Accept-Language": "es"}).text), re.S)
    switch.disable(greet_app, "greet")
    assert 'href="/greet/"' not in main_menu(client.get("/").text)


def test_hook_dashboard_widgets(greet_app, client_as):
    client = client_as("user")
    for text in ("Hola", "Hello"):
        client.post("/greet/", data={"text": text})
    assert re.search(card("Greetings", '<p class="greet-count">2 greetings</p>'), client.get("/").text, re.S)
    spanish = client.get("/", headers={"Accept-Language": "es"}).text
    assert re.search(card("Saludos", '<p class="greet-count">2 saludos</p>'), spanish, re.S)
    switch.disable(greet_app, "greet")
    assert "greet-count" not in client.get("/").text


def test_hook_detail_panels(greet_app, client_as, make_user):
    ana = make_user(name="Ana Pérez")
    client = client_as("admin")
    panels = client.get(f"/admin/users/{ana.id}").text.split('data-slot="detail-panels"', 1)[1]
    assert re.search(card("Greetings sent", '<p class="greet-panel">Say hello to Ana Pérez.</p>'), panels, re.S)
    switch.disable(greet_app, "greet")
    assert "greet-panel" not in client.get(f"/admin/users/{ana.id}").text


def test_hook_register_tasks(greet_app):
    state = greet_app.extensions["trato"]
    assert {"greet.tick", "greet.count"} <= set(state.tasks)
    due = {task.name for task in state.huey.read_periodic(datetime.now())}
    assert "greet.tick" in due  # crontab(minute="*"): due every minute in `trato worker`
    assert "greet.count" not in due  # a plain task runs only when submitted
    state.tasks["greet.tick"]()  # immediate mode: runs now, in this process
    assert count(greet_app, Tick) == 1


def test_hook_cli_commands(greet_app):
    runner = greet_app.test_cli_runner()
    result = runner.invoke(args=["greet", "hello", "--name", "Ana"])
    assert (result.exit_code, result.output) == (0, "hello Ana\n")
    switch.disable(greet_app, "greet")
    result = runner.invoke(args=["greet", "hello"])
    assert result.exit_code == 1
    assert result.output == "Error: plugin greet is not enabled; trato plugins enable greet\n"


def test_hook_demo_data(make_app, samples):
    app = make_app(plugins=["needy"], extra_plugins=samples)
    assert load_demo(app, "es").plugins == ["greet"]  # needy, enabled too, implements no demo_data
    with app.extensions["trato"].sessionmaker() as s:
        assert s.scalars(select(Greeting.text)).all() == ["¡Hola!"]
    switch.disable(app, "needy")
    switch.disable(app, "greet")
    assert load_demo(app, "en").plugins == []  # a disabled plugin adds no demo data
    assert count(app, Greeting) == 1


def test_hook_plugin_enabled(make_app, samples, events):
    app = make_app(extra_plugins=samples)
    switch.enable(app, "needy")
    # greet hears of itself, then of needy, which required it.
    assert events == [("enabled", "greet"), ("enabled", "needy")]


def test_hook_plugin_disabled(make_app, samples, events):
    app = make_app(plugins=["needy"], extra_plugins=samples)
    events.clear()
    switch.disable(app, "needy")
    switch.disable(app, "greet")
    assert events == [("disabled", "needy"), ("disabled", "greet")]
    switch.enable(app, "greet")
    assert events[-1] == ("enabled", "greet")
