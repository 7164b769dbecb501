"""Identifiers for columns and tables, made only from validated slugs.

A slug is what an admin types as a field's or entity's name. It must be
lower-case ASCII letters, digits and single underscores, start with a letter,
and not be a word SQL, the API's query parameters or the record columns
already use. Columns of custom fields on built-in entities get the `cf_`
prefix and custom entities' tables the `x_` prefix, so that they never meet
a plugin's own names and Alembic's autogenerate leaves them alone.
"""
from __future__ import annotations

import hashlib
import re

from ..entities import SYSTEM_FIELDS
from ..i18n import _
from .errors import SchemaError

SLUG = re.compile(r"^[a-z](?:[a-z0-9]|_(?!_))*$")
MAX_SLUG = 30
MAX_IDENTIFIER = 63  # PostgreSQL's limit
OPTION = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")

SQL_WORDS = frozenset("""
    all alter analyse analyze and any array as asc asymmetric authorization between binary both case cast check
    collate column constraint create cross current_date current_role current_time current_timestamp current_user
    default deferrable delete desc distinct do drop else end except exists false fetch for foreign freeze from full
    grant group having ilike in index initially inner insert intersect into is isnull join key lateral leading left
    like limit localtime localtimestamp natural not notnull null offset on only or order outer overlaps placing
    primary references returning right row rowid select session_user set similar some symmetric table tablesample
    then to trailing true union unique update user using values variadic verbose view when where window with
""".split())
API_WORDS = frozenset({"q", "sort", "cursor", "fields", "search", "filter", "page", "format", "include", "meta",
                       "data", "expand", "entity", "record", "oid", "ctid", "xmin", "xmax", "cmin", "cmax",
                       "tableoid", "type", "self"})
RESERVED = SQL_WORDS | API_WORDS | frozenset(SYSTEM_FIELDS)


def check_slug(slug: object, what: str) -> str:
    """`slug` if it can name a field or an entity; SchemaError saying why not otherwise."""
    if not isinstance(slug, str) or not slug:
        raise SchemaError(_("Give the %(what)s a name.", what=what), "name")
    if len(slug) > MAX_SLUG:
        raise SchemaError(_("The name %(slug)r is longer than %(max)s characters.", slug=slug, max=MAX_SLUG), "name")
    if not SLUG.match(slug) or slug.endswith("_"):
        raise SchemaError(_("The name %(slug)r may hold only lower-case letters, digits and single underscores, "
                            "starting with a letter.", slug=slug), "name")
    if slug in RESERVED:
        raise SchemaError(_("The name %(slug)r is reserved; choose another.", slug=slug), "name")
    return slug


def check_option(value: object) -> str:
    if not isinstance(value, str) or not OPTION.match(value):
        raise SchemaError(_("The option value %(value)r may hold only lower-case letters, digits, - and _.",
                            value=value), "options")
    return value


def field_column(slug: str, custom_entity: bool) -> str:
    """The column of a custom field: the slug on a custom entity, `cf_<slug>` on a built-in one."""
    return slug if custom_entity else f"cf_{slug}"


def entity_table(slug: str) -> str:
    return f"x_{slug}"


def index_name(table: str, column: str, unique: bool = False) -> str:
    """`ix_<table>_<column>` (or `uq_...`), shortened with a hash where PostgreSQL would cut it."""
    name = f"{'uq' if unique else 'ix'}_{table}_{column}"
    if len(name) <= MAX_IDENTIFIER:
        return name
    return f"{name[:MAX_IDENTIFIER - 9]}_{hashlib.sha1(name.encode()).hexdigest()[:8]}"
