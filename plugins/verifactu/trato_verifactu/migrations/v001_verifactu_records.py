"""verifactu: the chain heads, the append-only billing records and their submission state

Revision ID: v001
Revises:
Create Date: 2026-12-07

The root of the plugin's branch, labelled "verifactu"; built on the core's c030 and invoicing's i003. The
records table refuses UPDATE and DELETE with a trigger on both SQLite and PostgreSQL.
"""
from alembic import op
import sqlalchemy as sa

from trato import migration

revision = "v001"
down_revision = None
branch_labels = ("verifactu",)
depends_on = ("c030", "i003")

REFUSAL = "verifactu_record is append-only: billing records are never changed or deleted"


def upgrade() -> None:
    op.create_table(
        "verifactu_chain",
        sa.Column("issuer_tax_id", sa.String(20), primary_key=True),
        sa.Column("last_record_id", sa.Integer()),
        sa.Column("last_fingerprint", sa.String(64), nullable=False),
        sa.Column("length", sa.Integer(), nullable=False),
        sa.Column("next_submission_at", migration.UTCDateTime()),
    )
    op.create_table(
        "verifactu_record",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("issuer_tax_id", sa.String(20), nullable=False, index=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("invoice_id", sa.Integer(), sa.ForeignKey("invoicing_invoice.id"), nullable=False, index=True),
        sa.Column("number", sa.String(60), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("invoice_type", sa.String(2)),
        sa.Column("cuota_total", migration.ExactDecimal(2)),
        sa.Column("importe_total", migration.ExactDecimal(2)),
        sa.Column("previous_id", sa.Integer()),
        sa.Column("previous_fingerprint", sa.String(64), nullable=False),
        sa.Column("generated_at", sa.String(32), nullable=False),
        sa.Column("fingerprint", sa.String(64), nullable=False),
        sa.Column("xml", sa.Text(), nullable=False),
        sa.Column("created_at", migration.UTCDateTime(), nullable=False),
        sa.UniqueConstraint("issuer_tax_id", "position", name=op.f("uq_verifactu_record_issuer_tax_id_position")),
    )
    op.create_table(
        "verifactu_submission",
        sa.Column("record_id", sa.Integer(), sa.ForeignKey("verifactu_record.id"), primary_key=True),
        sa.Column("state", sa.String(10), nullable=False, index=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("answer", sa.Text()),
        sa.Column("updated_at", migration.UTCDateTime(), nullable=False),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE FUNCTION verifactu_record_append_only() RETURNS trigger LANGUAGE plpgsql AS "
                   f"$$ BEGIN RAISE EXCEPTION '{REFUSAL}'; END $$")
        op.execute("CREATE TRIGGER verifactu_record_append_only BEFORE UPDATE OR DELETE ON verifactu_record "
                   "FOR EACH ROW EXECUTE FUNCTION verifactu_record_append_only()")
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER verifactu_record_no_{event.lower()} BEFORE {event} ON verifactu_record "
                       f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END")


def downgrade() -> None:
    op.drop_table("verifactu_submission")
    op.drop_table("verifactu_record")   # its triggers go with it
    op.drop_table("verifactu_chain")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION verifactu_record_append_only()")
