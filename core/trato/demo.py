"""Demo data: each enabled plugin's `demo_data` hook, in dependency order, one commit."""
from __future__ import annotations

from flask import Flask
from sqlalchemy.orm import Session

from . import counters
from .models import Counter

DEMO = "demo"


def already_loaded(session: Session) -> bool:
    row = session.get(Counter, DEMO)
    return bool(row and row.value)


def load_demo(app: Flask, locale: str) -> list[str]:
    """Load every enabled plugin's demo data; returns the plugins that added some."""
    state = app.extensions["trato"]
    order = state.plugins.enabled_in_order()
    impls = {i.plugin_name: i for i in state.plugins.all_hooks.demo_data.get_hookimpls()}
    loaded = []
    with state.sessionmaker() as session, session.begin():
        for name in order:
            if name in impls:
                impls[name].function(session=session, locale=locale)
                session.flush()
                loaded.append(name)
        counters.bump(session, DEMO)
    return loaded
