"""Alembic autogenerate, run through migrations/env.py as `alembic revision --autogenerate` runs it,
proposes nothing for what admins made at run time: `x_` tables, `cf_` columns and their indexes."""
from __future__ import annotations

import re
from typing import Any

from alembic import command
from alembic.operations.ops import MigrationScript

from trato import migrate
from trato.db import engine
from trato.schema import EntitySpec, FieldSpec, add_field, create_entity

TARGET = "trade_account"
RUNTIME = re.compile(r"\b(?:x|cf)_\w+")


def every_type(ctx: Any) -> list[FieldSpec]:
    """A field of each registered type, filterable or unique where the type allows, so that indexes are made."""
    specs = []
    for ftype in ctx.extensions["trato"].entities.types:
        options = [{"value": "a", "label": {"en": "A"}}] if ftype.name in ("select", "multi_select") else []
        settings = {"target": TARGET} if ftype.name == "relation" else {}
        specs.append(FieldSpec(f"f_{ftype.name}", ftype.name, {"en": ftype.name}, options=options,
                               settings=settings, filterable=ftype.sortable, unique=ftype.name == "email"))
    return specs


def proposed(ctx: Any) -> list[Any]:
    """What autogenerate would write into a new revision, through env.py, without writing it."""
    captured: list[MigrationScript] = []

    def keep(context: Any, revision: Any, directives: list[MigrationScript]) -> None:
        captured.extend(directives)
        directives[:] = []  # write no file

    host = ctx.extensions["trato"].plugins
    records = {name: record for name, record in host.records.items() if name in host.enabled}
    with engine().begin() as conn:
        cfg = migrate.config_for(records, conn)
        command.revision(cfg, autogenerate=True, head=f"{migrate.CORE}@head", message="probe",
                         process_revision_directives=keep)
    assert len(captured) == 1
    return [diff for ops in captured[0].upgrade_ops_list for diff in ops.as_diffs()]


def runtime_names(diff: Any) -> list[str]:
    """The x_ tables and cf_ columns a diff mentions (`ix_...` index names are no match)."""
    return RUNTIME.findall(repr(diff))


def test_autogenerate_through_env_py_leaves_runtime_tables_and_columns_alone(ctx):
    for spec in every_type(ctx):
        add_field(TARGET, spec)  # cf_ columns (two for money) and their indexes on a plugin's table
    create_entity(EntitySpec("gadget", {"en": "Gadget"}, {"en": "Gadgets"}, every_type(ctx)))
    assert [diff for diff in proposed(ctx) if runtime_names(diff)] == []
