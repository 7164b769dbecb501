"""The plugin's migration makes what its models describe, on SQLite and PostgreSQL."""
from trato.testing import migration_drift


def test_the_migration_matches_the_models(catalog_app):
    assert migration_drift(catalog_app, "catalog_") == []
