"""Shared fixtures of the core's tests; the testing kit (trato.testing) does the rest."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

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
def greet_app(make_app, samples):
    """An app with the sample plugins installed and `greet` enabled."""
    return make_app(plugins=["greet"], extra_plugins=samples)


@pytest.fixture(scope="session")
def installed_samples(tmp_path_factory) -> str:
    """A folder where the greet sample plugin is pip-installed, for other processes' PYTHONPATH.

    Other processes find it through its entry point, as they would a plugin
    installed from PyPI.
    """
    import subprocess

    site = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
         "--target", str(site), str(SAMPLES / "greet")],
        check=True, capture_output=True,
    )
    return str(site)
