"""Browser tests: Debian's Chromium driven by Playwright against an app served on loopback.

Each test gets its own database (the testing kit's `make_app`) and its own
server on a free port, so the tests run side by side under pytest-xdist.
CSRF protection stays on: the browser must carry the tokens as a user's would.
"""
from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import update

from trato import Plugin
from trato.models import User
from trato.testing import TEST_PASSWORD

from ..conftest import SAMPLES
from . import crm_pages

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
]
ADMIN_EMAIL = "ada@example.com"
ADMIN_NAME = "Ada Admin"
# The repository's own plugins (contacts, sales), importable as the samples are (tests/conftest.py).
REPOSITORY_PLUGINS = Path(__file__).resolve().parents[2] / "plugins"
for folder in sorted(REPOSITORY_PLUGINS.iterdir()):
    if folder.is_dir() and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def offered(names: Iterable[str]) -> dict[str, Plugin]:
    """The plugins of `names` among the samples (tests/sample_plugins) and the repository's own (plugins/), so
    that a test enables one by name without offering it itself."""
    return {name: import_module(f"trato_{name}").plugin for name in names
            if (REPOSITORY_PLUGINS / name).is_dir() or (SAMPLES / name).is_dir()}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    """Debian's Chromium, never a browser that Playwright downloads."""
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    """An English-speaking browser, so that the language a page shows is the app's choice."""
    return {**browser_context_args, "locale": "en-US"}


@dataclass
class LiveApp:
    """An app served on loopback, and the admin who can sign in to it."""

    app: Flask
    base_url: str
    admin: User

    def url(self, path: str) -> str:
        return self.base_url + path

    def end_sessions(self, user: User) -> None:
        """Bump the user's session epoch in the database, as "sign out everywhere" does."""
        with self.app.extensions["trato"].sessionmaker() as session:
            session.execute(update(User).where(User.id == user.id).values(session_epoch=User.session_epoch + 1))
            session.commit()


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """What the page logs as errors from now on (a CSP refusal is one), and its uncaught exceptions."""
    return crm_pages.console_errors(page)


@pytest.fixture
def make_live_app(make_app: Any, make_user: Callable[..., User], samples: dict[str, Any],
                  serve: Callable[[Flask], str]) -> Callable[..., LiveApp]:
    """Build an app with CSRF on, the sample plugins installed and `plugins` enabled, add an admin, and serve it."""

    def factory(plugins: list[str] | tuple[str, ...] = (), **admin_fields: Any) -> LiveApp:
        app = make_app(plugins=list(plugins), extra_plugins={**samples, **offered(plugins)}, csrf=True)
        admin = make_user(email=ADMIN_EMAIL, admin=True, password=TEST_PASSWORD, name=ADMIN_NAME, app=app,
                          **admin_fields)
        return LiveApp(app=app, base_url=serve(app), admin=admin)

    return factory


@pytest.fixture
def live_app(make_live_app: Callable[..., LiveApp]) -> LiveApp:
    """The app with `greet` installed but disabled."""
    return make_live_app()


def fill_sign_in(page: Page, live: LiveApp, password: str = TEST_PASSWORD) -> None:
    """Fill in and send the sign-in form as the admin."""
    page.goto(live.url("/login"))
    page.get_by_label("Email").fill(live.admin.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


@pytest.fixture
def sign_in() -> Callable[..., None]:
    """`sign_in(page, live, password=...)`: use the sign-in form as the admin."""
    return fill_sign_in


@pytest.fixture
def live_signed_in(make_live_app: Callable[..., LiveApp], page: Page) -> Callable[..., LiveApp]:
    """`live_signed_in(plugins, **admin_fields)`: a served app with `plugins` enabled, the admin signed in on
    `page` (on the home page)."""

    def start(plugins: list[str] | tuple[str, ...] = (), **admin_fields: Any) -> LiveApp:
        live = make_live_app(plugins, **admin_fields)
        fill_sign_in(page, live)
        expect(page.get_by_role("button", name="Account menu")).to_be_visible()
        return live

    return start


@pytest.fixture
def trade_live(live_signed_in: Callable[..., LiveApp]) -> LiveApp:
    """The `trade` sample (accounts and deals, every field type) enabled, the admin signed in."""
    return live_signed_in(["trade"])


@pytest.fixture
def admin_page(page: Page, live_app: LiveApp) -> Page:
    """A page signed in as the admin, on the dashboard."""
    fill_sign_in(page, live_app)
    expect(page.get_by_role("heading", name=f"Hello, {ADMIN_NAME}")).to_be_visible()
    return page
