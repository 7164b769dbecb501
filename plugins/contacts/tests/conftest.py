"""Offer the plugin to the testing kit whether or not it is pip-installed, and a panel plugin for the slot."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
HERE = str(Path(__file__).parent / "support")
if HERE not in sys.path:
    sys.path.insert(0, HERE)

from trato import Plugin  # noqa: E402  (after the path is set)
from trato_contacts import plugin  # noqa: E402


@pytest.fixture
def contacts_app(make_app):
    """An app with contacts enabled."""
    return make_app(plugins=["contacts"], extra_plugins={"contacts": plugin})


@pytest.fixture
def plugins() -> dict[str, Plugin]:
    import trato_panelled

    return {"contacts": plugin, "panelled": trato_panelled.plugin}
