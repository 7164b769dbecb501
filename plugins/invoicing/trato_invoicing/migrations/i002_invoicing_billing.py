"""invoicing: billing's payments, dunning steps, instalments and the log of reminders sent

Revision ID: i002
Revises: i001
Create Date: 2026-12-07
"""
from alembic import op
import sqlalchemy as sa

from trato import migration, record_columns

revision = "i002"
down_revision = "i001"
branch_labels = None
depends_on = None


def _invoice(nullable: bool = False) -> sa.Column:
    return sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoicing_invoice.id", ondelete="CASCADE"),
                     nullable=nullable, index=True)


def upgrade() -> None:
    op.create_table(
        "invoicing_payment", *record_columns(),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoicing_invoice.id"), nullable=False, index=True),
        sa.Column("payment_date", sa.Date(), nullable=False, index=True),
        sa.Column("amount", migration.ExactDecimal(2), nullable=False),
        sa.Column("amount_currency", sa.String(3)),
        sa.Column("method", sa.String(64), nullable=False, index=True),
        sa.Column("reference", sa.String(120)),
        sa.Column("note", sa.Text()),
    )
    op.create_table(
        "invoicing_dunning_step", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("days_after_due", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean()),
        sa.UniqueConstraint("days_after_due", name="uq_invoicing_dunning_step_days_after_due"),
    )
    op.create_table(
        "invoicing_instalment",
        sa.Column("id", sa.Integer(), primary_key=True),
        _invoice(),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False, index=True),
        sa.Column("amount", migration.ExactDecimal(2), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
    )
    op.create_table(
        "invoicing_reminder_sent",
        sa.Column("id", sa.Integer(), primary_key=True),
        _invoice(),
        sa.Column("days_after_due", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_at", migration.UTCDateTime(), nullable=False),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.UniqueConstraint("invoice_id", "days_after_due", name="uq_invoicing_reminder_sent_invoice_id"),
    )


def downgrade() -> None:
    for name in ("invoicing_reminder_sent", "invoicing_instalment", "invoicing_dunning_step", "invoicing_payment"):
        op.drop_table(name)
