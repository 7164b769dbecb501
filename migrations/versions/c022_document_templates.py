"""document templates per entity and language, and the documents kept for records

Revision ID: c022
Revises: c021
Create Date: 2026-12-07

An admin's template replaces the theme's or the plugin's for one entity in
one language. A kept document is the PDF issued for a record (an invoice),
stored as one of its attachments and from then on served as it is.
"""
from alembic import op
import sqlalchemy as sa

from trato.fields.sqltypes import UTCDateTime

revision = "c022"
down_revision = "c021"
branch_labels = None
depends_on = None


def _user(table: str, column: str) -> sa.Column:
    return sa.Column(column, sa.Integer(), sa.ForeignKey("core_user.id", name=f"fk_{table}_{column}_core_user",
                                                         ondelete="SET NULL"))


def upgrade() -> None:
    op.create_table(
        "core_document_template",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        _user("core_document_template", "updated_by"),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("entity", "language", name="uq_core_document_template_entity_language"),
    )
    op.create_table(
        "core_document",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("entity", sa.String(64), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("attachment_id", sa.Integer(),
                  sa.ForeignKey("core_attachment.id", name="fk_core_document_attachment_id_core_attachment",
                                ondelete="SET NULL")),
        sa.Column("template", sa.String(200), nullable=False),
        sa.Column("language", sa.String(8), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        _user("core_document", "created_by"),
        sa.UniqueConstraint("entity", "record_id", name="uq_core_document_entity_record_id"),
    )


def downgrade() -> None:
    op.drop_table("core_document")
    op.drop_table("core_document_template")
