"""invoicing: each payment names its invoice's customer, and indexes for an account's statement

Revision ID: i004
Revises: i003
Create Date: 2026-12-08

A statement reads an account's invoices by issue date and its payments by date. Through the invoice alone,
PostgreSQL joined every payment of the period to find one customer's (a third of a second at a million
invoices); the payment now carries the account (set from its invoice, which cannot change once issued).
"""
from alembic import op
import sqlalchemy as sa

revision = "i004"
down_revision = "i003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("invoicing_payment") as batch:
        batch.add_column(sa.Column("account_id", sa.Integer(), nullable=True))
        batch.create_foreign_key("fk_invoicing_payment_account_id_contacts_account", "contacts_account",
                                 ["account_id"], ["id"])
    op.execute("UPDATE invoicing_payment SET account_id = (SELECT i.account_id FROM invoicing_invoice i "
               "WHERE i.id = invoicing_payment.invoice_id)")
    op.create_index("ix_invoicing_payment_account_id", "invoicing_payment", ["account_id"])
    op.create_index("ix_invoicing_invoice_account_issue", "invoicing_invoice", ["account_id", "issue_date"])


def downgrade() -> None:
    op.drop_index("ix_invoicing_invoice_account_issue", "invoicing_invoice")
    op.drop_index("ix_invoicing_payment_account_id", "invoicing_payment")
    with op.batch_alter_table("invoicing_payment") as batch:
        batch.drop_constraint("fk_invoicing_payment_account_id_contacts_account", type_="foreignkey")
        batch.drop_column("account_id")
