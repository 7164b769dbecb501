"""What a migration of the core or a plugin may use, in one public module (docs/plugin-guide.md, section 6).

    from trato import migration
    sa.Column("amount", migration.ExactDecimal(18, 2))      # a money or decimal column, exact on SQLite too
    migration.ensure_record_columns("inventory_item")      # the record columns a newer core brought
    migration.grant(Session(bind=op.get_bind()), "inventory_location", ("view",), "all")
"""
from .entities import record_columns
from .fields.sqltypes import ExactDecimal, UTCDateTime, json_value
from .migration_helpers import ensure_record_columns
from .roles.defaults import grant

__all__ = ["ExactDecimal", "UTCDateTime", "ensure_record_columns", "grant", "json_value", "record_columns"]
