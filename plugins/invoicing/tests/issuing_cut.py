"""A small plugin that, once armed, has PostgreSQL end the issuing transaction's connection from inside the
`invoice_issued` hook: the server side of the issue dies after the number was taken, before the commit.

A module of its own, not a test module: the plugin host imports its hooks by name (see issuing_spy.py).
"""
from typing import Any

import psycopg
from sqlalchemy import text

from trato import Plugin, RecordData, hookimpl, session

ARMED: list[str] = []  # the server URL to reach PostgreSQL from outside the transaction, once
cut = Plugin(name="cut", label="Cut", hooks="issuing_cut", requires=("invoicing",))


@hookimpl(optionalhook=True)
def invoice_issued(invoice: RecordData, user: Any) -> None:
    if not ARMED:
        return
    url = ARMED.pop()
    backend = session().execute(text("SELECT pg_backend_pid()")).scalar_one()
    with psycopg.connect(url, autocommit=True) as other:
        other.execute("SELECT pg_terminate_backend(%s)", (backend,))
