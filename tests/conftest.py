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
