"""Helpers shared by the CLI commands."""
from __future__ import annotations

from flask import Flask, current_app

from ..extension import TratoState


def state() -> TratoState:
    return current_app.extensions["trato"]


def app() -> Flask:
    return current_app._get_current_object()  # type: ignore[attr-defined, no-any-return]


def refreshed_state() -> TratoState:
    """The state after reading the database's plugin set; complains if it was never set up."""
    from ..errors import TratoError

    st = state()
    if not st.refresh():
        raise TratoError("the database is not set up yet; run `trato init` first")
    return st
