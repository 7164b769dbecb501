"""entity engine: custom field and entity metadata, audit history

Revision ID: c002
Revises: c001
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "c002"
down_revision = "c001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_entity",
        sa.Column("name", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("label", sa.JSON()),
        sa.Column("plural", sa.JSON()),
        sa.Column("title_field", sa.String(64)),
        sa.Column("search_fields", sa.JSON(), nullable=False),
        sa.Column("list_columns", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "core_field",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), sa.ForeignKey("core_entity.name", ondelete="CASCADE",
                                                         name="fk_core_field_entity_core_entity"), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("type", sa.String(64), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("help", sa.JSON()),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("unique", sa.Boolean(), nullable=False),
        sa.Column("filterable", sa.Boolean(), nullable=False),
        sa.Column("default", sa.JSON()),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("section", sa.String(64)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("entity", "name", name="uq_core_field_entity_name"),
    )
    op.create_table(
        "core_audit",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("core_user.id", name="fk_core_audit_user_id_core_user")),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("changes", sa.JSON(), nullable=False),
    )
    op.create_index("ix_core_audit_at", "core_audit", ["at"])
    op.create_index("ix_core_audit_entity_record_id", "core_audit", ["entity", "record_id"])


def downgrade() -> None:
    op.drop_table("core_audit")
    op.drop_table("core_field")
    op.drop_table("core_entity")
