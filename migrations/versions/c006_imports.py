"""CSV imports: their history, the records each one wrote (for undo), and remembered column mappings

Revision ID: c006
Revises: c005
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "c006"
down_revision = "c005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "core_import",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_import_user_id_core_user", ondelete="SET NULL")),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("file_path", sa.String(1024), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("key", sa.String(64)),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("dry_run", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(8), nullable=False),
        sa.Column("message", sa.String(2000), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("rows_done", sa.Integer(), nullable=False),
        sa.Column("created", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.Column("error_path", sa.String(1024)),
        sa.Column("job_id", sa.String(36)),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True)),
        sa.Column("undone_at", sa.DateTime(timezone=True)),
    )
    op.create_index("ix_core_import_entity", "core_import", ["entity"])
    op.create_index("ix_core_import_user_id", "core_import", ["user_id"])
    op.create_table(
        "core_import_record",
        sa.Column("import_id", sa.Integer(),
                  sa.ForeignKey("core_import.id", name="fk_core_import_record_import_id_core_import",
                                ondelete="CASCADE"), primary_key=True),
        sa.Column("record_id", sa.Integer(), primary_key=True),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("previous", sa.JSON()),
    )
    op.create_table(
        "core_import_mapping",
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_import_mapping_user_id_core_user", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("mapping", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("core_import_mapping")
    op.drop_table("core_import_record")
    op.drop_index("ix_core_import_user_id", "core_import")
    op.drop_index("ix_core_import_entity", "core_import")
    op.drop_table("core_import")
