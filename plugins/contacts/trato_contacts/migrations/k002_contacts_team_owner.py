"""contacts: team ownership of accounts and contacts

Revision ID: k002
Revises: k001
Create Date: 2026-11-22

Adds the `team_id` record column that core revision c005 brought, on
installs whose contacts tables were made before it.
"""
from trato import migration

revision = "k002"
down_revision = "k001"
branch_labels = None
depends_on = "c005"


def upgrade() -> None:
    for table in ("contacts_account", "contacts_contact"):
        migration.ensure_record_columns(table)


def downgrade() -> None:
    """Nothing: on a fresh install k001 made the column, and k001's downgrade drops the tables."""
