"""personal data: blocked records (LOPDGDD art. 32) and the permissions a role holds beyond records

Revision ID: c013
Revises: c012
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "c013"
down_revision = "c012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_blocked_record",
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("blocked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_by", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_blocked_record_blocked_by_core_user",
                                ondelete="SET NULL")),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("entity", "record_id", name="pk_core_blocked_record"),
    )
    op.create_table(
        "core_role_grant",
        sa.Column("role_id", sa.Integer(),
                  sa.ForeignKey("core_role.id", name="fk_core_role_grant_role_id_core_role", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("permission", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("role_id", "permission", name="pk_core_role_grant"),
    )


def downgrade() -> None:
    op.drop_table("core_role_grant")
    op.drop_table("core_blocked_record")
