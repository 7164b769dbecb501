"""Alembic autogenerate for one plugin: `trato db revision --plugin NAME --autogenerate`.

Only the plugin's own tables (named `NAME_...`) are compared, never the
core's nor another plugin's, and nothing Trato makes at run time (custom
fields, search, sort and filter indexes: `migrate.include_object`). Trato's
column types are written as the public names of `trato.migration`, so the
generated file imports nothing internal.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from alembic.autogenerate.api import AutogenContext
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from sqlalchemy import JSON
from sqlalchemy.dialects.postgresql import JSONB

from .fields.sqltypes import ExactDecimal, UTCDateTime
from .filter_indexes.kinds import SUFFIX as FILTER_SUFFIX
from .migrate import include_object

PUBLIC_IMPORT = "from trato import migration"
# Where env.py finds the plugin to compare (Config.attributes) and where it says whether anything was found.
PLUGIN = "trato_autogenerate_plugin"
OTHERS = "trato_autogenerate_others"
EMPTY = "trato_autogenerate_empty"

IncludeObject = Callable[[Any, "str | None", str, bool, Any], bool]


def table_of(obj: Any, name: str | None, type_: str) -> str:
    """The table a schema object belongs to, as autogenerate hands it over."""
    if type_ == "table":
        return name or ""
    table = getattr(obj, "table", None)
    return str(getattr(table, "name", "") or "")


def include_for(plugin: str, others: Iterable[str]) -> IncludeObject:
    """The `include_object` that keeps plugin `plugin`'s tables alone.

    `others` are the other plugins' names: a plugin `sales_extra` owns `sales_extra_*`, which starts with
    `sales_` too, so a longer name that fits is someone else's.
    """
    prefix = f"{plugin}_"
    foreign = tuple(f"{o}_" for o in others if o != plugin and o.startswith(prefix))

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        table = table_of(obj, name, type_)
        if not table.startswith(prefix) or table.startswith(foreign):
            return False
        if type_ == "index" and (name or "").endswith(FILTER_SUFFIX):
            return False  # made at run time for slow list filters (trato.filter_indexes)
        return include_object(obj, name, type_, reflected, compare_to)

    return include


def _is_json_value(type_: Any) -> bool:
    variants = getattr(type_, "_variant_mapping", {})
    return isinstance(type_, JSON) and isinstance(variants.get("postgresql"), JSONB)


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Trato's column types as `migration.ExactDecimal(scale=2)`, `migration.UTCDateTime()`,
    `migration.json_value()`; False lets Alembic render everything else."""
    if type_ != "type":
        return False
    if isinstance(obj, ExactDecimal):
        rendered = f"migration.ExactDecimal(scale={obj.scale})"
    elif isinstance(obj, UTCDateTime):
        rendered = "migration.UTCDateTime()"
    elif _is_json_value(obj):
        rendered = "migration.json_value()"
    else:
        return False
    autogen_context.imports.add(PUBLIC_IMPORT)
    return rendered


def skip_when_empty(attributes: dict[str, Any]) -> Callable[[MigrationContext, Any, list[Any]], None]:
    """A `process_revision_directives` that writes no file when the models and the database agree,
    and notes that in `attributes[EMPTY]` for the command to say so."""

    def process(context: MigrationContext, revision: Any, directives: list[Any]) -> None:
        script = directives[0]
        assert isinstance(script, MigrationScript)
        if all(ops.is_empty() for ops in script.upgrade_ops_list):
            attributes[EMPTY] = True
            directives[:] = []

    return process


def configure_options(attributes: dict[str, Any]) -> dict[str, Any]:
    """The extra `context.configure` options of an autogenerate run, or {} for any other run."""
    plugin = attributes.get(PLUGIN)
    if plugin is None:
        return {}
    return {
        "include_object": include_for(plugin, attributes.get(OTHERS, ())),
        "render_item": render_item,
        "process_revision_directives": skip_when_empty(attributes),
    }
