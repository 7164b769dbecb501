"""Saved views (smart lists): a named list, kanban or calendar state per entity, and each user's default view

Revision ID: c008
Revises: c007
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "c008"
down_revision = "c007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_saved_view",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_saved_view_owner_id_core_user", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("shared", sa.String(8), nullable=False),
        sa.Column("role_id", sa.Integer(),
                  sa.ForeignKey("core_role.id", name="fk_core_saved_view_role_id_core_role", ondelete="CASCADE")),
        sa.Column("team_id", sa.Integer(),
                  sa.ForeignKey("core_team.id", name="fk_core_saved_view_team_id_core_team", ondelete="CASCADE")),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("query", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_core_saved_view_entity", "core_saved_view", ["entity"])
    op.create_index("ix_core_saved_view_owner_id", "core_saved_view", ["owner_id"])
    op.create_table(
        "core_saved_view_default",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_saved_view_default_user_id_core_user",
                                ondelete="CASCADE"), primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("view_id", sa.Integer(),
                  sa.ForeignKey("core_saved_view.id", name="fk_core_saved_view_default_view_id_core_saved_view",
                                ondelete="CASCADE"), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_saved_view_default")
    op.drop_index("ix_core_saved_view_owner_id", table_name="core_saved_view")
    op.drop_index("ix_core_saved_view_entity", table_name="core_saved_view")
    op.drop_table("core_saved_view")
