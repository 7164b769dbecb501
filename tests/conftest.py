"""Shared fixtures of the core's tests; the testing kit (trato.testing) does the rest."""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import BaseWSGIServer, make_server

from trato import Plugin

SAMPLES = Path(__file__).parent / "sample_plugins"
for folder in sorted(SAMPLES.iterdir()):
    if folder.is_dir() and str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


def sample(name: str) -> Plugin:
    module = __import__(f"trato_{name}")
    return module.plugin


@pytest.fixture
def samples() -> dict[str, Plugin]:
    """The sample plugins, offered to `make_app(extra_plugins=...)` as if installed."""
    return {name: sample(name) for name in ("greet", "needy", "badmig")}


@pytest.fixture
def trade_app(make_app):
    """An app whose `trade` sample plugin (accounts and deals, every field type) is enabled."""
    return make_app(plugins=["trade"], extra_plugins={"trade": sample("trade")})


@pytest.fixture
def greet_app(make_app, samples):
    """An app with the sample plugins installed and `greet` enabled."""
    return make_app(plugins=["greet"], extra_plugins=samples)


def pip_install(target: Path, *names: str) -> str:
    """pip-install sample plugins into `target`, for another process's PYTHONPATH.

    That process finds them through their entry points, as it would plugins
    installed from PyPI.
    """
    import subprocess

    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(target), *(str(SAMPLES / n) for n in names)],
        check=True, capture_output=True,
    )
    return str(target)


@pytest.fixture(scope="session")
def installed_samples(tmp_path_factory) -> str:
    """A folder with the greet and badmig sample plugins pip-installed."""
    return pip_install(tmp_path_factory.mktemp("site"), "greet", "badmig")


@pytest.fixture
def serve() -> Iterator[Callable[[Flask], str]]:
    """Serve apps on free loopback ports until the test ends; gives each one's base URL."""
    servers: list[tuple[BaseWSGIServer, threading.Thread]] = []

    def start(app: Flask) -> str:
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, name=f"trato-{server.port}", daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.port}"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join()
