"""contacts: shipping address, second email, mobile phone, postal address, text of consent

Revision ID: k003
Revises: k002
Create Date: 2026-11-22
"""
from alembic import op
import sqlalchemy as sa

revision = "k003"
down_revision = "k002"
branch_labels = None
depends_on = None

ACCOUNT_COLUMNS = (
    ("shipping_street", sa.String(255)),
    ("shipping_city", sa.String(255)),
    ("shipping_postcode", sa.String(20)),
    ("shipping_country", sa.String(64)),
)
CONTACT_COLUMNS = (
    ("email2", sa.String(254)),
    ("mobile", sa.String(40)),
    ("street", sa.String(255)),
    ("postcode", sa.String(20)),
    ("consent_text", sa.Text()),
)


def upgrade() -> None:
    for name, type_ in ACCOUNT_COLUMNS:
        op.add_column("contacts_account", sa.Column(name, type_))
    for name, type_ in CONTACT_COLUMNS:
        op.add_column("contacts_contact", sa.Column(name, type_))
    op.create_index("ix_contacts_contact_email2", "contacts_contact", ["email2"])


def downgrade() -> None:
    op.drop_index("ix_contacts_contact_email2", table_name="contacts_contact")
    with op.batch_alter_table("contacts_contact") as batch:
        for name, _type in CONTACT_COLUMNS:
            batch.drop_column(name)
    with op.batch_alter_table("contacts_account") as batch:
        for name, _type in ACCOUNT_COLUMNS:
            batch.drop_column(name)
