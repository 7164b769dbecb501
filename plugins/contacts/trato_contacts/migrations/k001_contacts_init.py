"""contacts: accounts and contacts

Revision ID: k001
Revises:
Create Date: 2026-11-24

The root of the plugin's branch, labelled "contacts" and built on the core
revision c003.
"""
from alembic import op
import sqlalchemy as sa

from trato import record_columns

revision = "k001"
down_revision = None
branch_labels = ("contacts",)
depends_on = "c003"


def upgrade() -> None:
    op.create_table(
        "contacts_account",
        *record_columns(),
        sa.Column("name", sa.String(200), nullable=False, index=True),
        sa.Column("legal_name", sa.String(200)),
        sa.Column("tax_id", sa.String(20), index=True),
        sa.Column("industry", sa.String(64), index=True),
        sa.Column("website", sa.String(2048)),
        sa.Column("phone", sa.String(40)),
        sa.Column("email", sa.String(254)),
        sa.Column("billing_street", sa.String(255)),
        sa.Column("billing_city", sa.String(255), index=True),
        sa.Column("billing_postcode", sa.String(20)),
        sa.Column("billing_country", sa.String(64), index=True),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("contacts_account.id"), index=True),
    )
    op.create_table(
        "contacts_contact",
        *record_columns(),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100), nullable=False, index=True),
        sa.Column("job_title", sa.String(120)),
        sa.Column("email", sa.String(254), index=True),
        sa.Column("phone", sa.String(40)),
        sa.Column("account_id", sa.Integer(), sa.ForeignKey("contacts_account.id"), index=True),
        sa.Column("city", sa.String(255)),
        sa.Column("country", sa.String(64)),
        sa.Column("birthday", sa.Date()),
        sa.Column("language", sa.String(64)),
        sa.Column("marketing_consent", sa.Boolean(), nullable=False),
        sa.Column("consent_date", sa.Date()),
        sa.Column("consent_source", sa.String(200)),
    )


def downgrade() -> None:
    op.drop_table("contacts_contact")
    op.drop_table("contacts_account")
