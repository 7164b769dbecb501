"""a role's scope per action: what its users see, change, and delete or restore

Revision ID: c012
Revises: c011
Create Date: 2026-11-23

Each permission row had one scope for every action. It keeps it as the
scope of what the users see (and export), and gets `edit_scope` and
`delete_scope`, each set to that same scope, so that every role behaves as
before until an administrator narrows them ("see all, edit own").
"""
from alembic import op
import sqlalchemy as sa

revision = "c012"
down_revision = "c011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("core_role_permission") as batch:
        batch.add_column(sa.Column("edit_scope", sa.String(8), nullable=False, server_default="own"))
        batch.add_column(sa.Column("delete_scope", sa.String(8), nullable=False, server_default="own"))
    permission = sa.table("core_role_permission", sa.column("scope", sa.String()), sa.column("edit_scope", sa.String()),
                          sa.column("delete_scope", sa.String()))
    op.execute(permission.update().values(edit_scope=permission.c.scope, delete_scope=permission.c.scope))


def downgrade() -> None:
    with op.batch_alter_table("core_role_permission") as batch:
        batch.drop_column("delete_scope")
        batch.drop_column("edit_scope")
