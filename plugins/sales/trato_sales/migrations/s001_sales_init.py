"""sales: pipelines, stages, leads, deals, deal contacts, lead events, scoring and assignment rules, goals

Revision ID: s001
Revises:
Create Date: 2026-11-22

The root of the plugin's branch, labelled "sales"; built on the core
revision that brought teams (c005) and on the contacts tables.
"""
from alembic import op
import sqlalchemy as sa

from trato import record_columns
from trato import migration

revision = "s001"
down_revision = None
branch_labels = ("sales",)
depends_on = ("c005", "k002")

WHEN = sa.DateTime(timezone=True)
SELECT = sa.String(64)


def _ref(table: str) -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id")


def upgrade() -> None:
    op.create_table(
        "sales_pipeline", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.BigInteger()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("name", name="uq_sales_pipeline_name"),
    )
    op.create_table(
        "sales_stage", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("pipeline_id", sa.Integer(), _ref("sales_pipeline"), nullable=False, index=True),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("probability", migration.ExactDecimal(2)),
        sa.Column("outcome", SELECT, nullable=False),
        sa.Column("max_days", sa.BigInteger()),
    )
    op.create_table(
        "sales_deal", *record_columns(),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("account_id", sa.Integer(), _ref("contacts_account"), index=True),
        sa.Column("pipeline_id", sa.Integer(), _ref("sales_pipeline"), nullable=False, index=True),
        sa.Column("stage_id", sa.Integer(), _ref("sales_stage"), nullable=False, index=True),
        sa.Column("amount", migration.ExactDecimal(2)),
        sa.Column("amount_currency", sa.String(3)),
        sa.Column("close_date", sa.Date(), index=True),
        sa.Column("probability", migration.ExactDecimal(2)),
        sa.Column("lost_reason", sa.String(200)),
        sa.Column("next_step", sa.String(200)),
        sa.Column("stage_changed_at", WHEN),
        sa.Column("reached_position", sa.BigInteger()),
    )
    op.create_table(
        "sales_lead", *record_columns(),
        sa.Column("first_name", sa.String(100)),
        sa.Column("last_name", sa.String(100), nullable=False),
        sa.Column("company", sa.String(200), index=True),
        sa.Column("tax_id", sa.String(20)),
        sa.Column("job_title", sa.String(120)),
        sa.Column("email", sa.String(254), index=True),
        sa.Column("phone", sa.String(40)),
        sa.Column("city", sa.String(255), index=True),
        sa.Column("country", sa.String(2), index=True),
        sa.Column("source", SELECT, nullable=False, index=True),
        sa.Column("status", SELECT, nullable=False, index=True),
        sa.Column("rating", SELECT, index=True),
        sa.Column("score", sa.BigInteger(), index=True),
        sa.Column("lifecycle", SELECT, nullable=False, index=True),
        sa.Column("description", sa.Text()),
        sa.Column("converted_at", WHEN),
        sa.Column("account_id", sa.Integer(), _ref("contacts_account"), index=True),
        sa.Column("contact_id", sa.Integer(), _ref("contacts_contact"), index=True),
        sa.Column("deal_id", sa.Integer(), _ref("sales_deal"), index=True),
    )
    op.create_table(
        "sales_deal_contact", *record_columns(),
        sa.Column("deal_id", sa.Integer(), _ref("sales_deal"), nullable=False, index=True),
        sa.Column("contact_id", sa.Integer(), _ref("contacts_contact"), nullable=False, index=True),
        sa.Column("role", SELECT),
    )
    op.create_table(
        "sales_lead_event", *record_columns(),
        sa.Column("lead_id", sa.Integer(), _ref("sales_lead"), nullable=False, index=True),
        sa.Column("kind", SELECT, nullable=False),
        sa.Column("occurred_at", WHEN),
    )
    op.create_table(
        "sales_score_rule", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("field_name", sa.String(64)),
        sa.Column("operator", SELECT),
        sa.Column("value", sa.String(200)),
        sa.Column("event", SELECT),
        sa.Column("points", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "sales_assignment_rule", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.BigInteger(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("source", SELECT),
        sa.Column("country", sa.String(2)),
        sa.Column("city", sa.String(255)),
        sa.Column("assignee_id", sa.Integer(), _ref("core_user"), index=True),
        sa.Column("team", sa.Integer()),
        sa.Column("last_user_id", sa.Integer(), _ref("core_user"), index=True),
    )
    op.create_table(
        "sales_goal", *record_columns(),
        sa.Column("user_id", sa.Integer(), _ref("core_user"), index=True),
        sa.Column("team", sa.Integer()),
        sa.Column("period_start", sa.Date(), nullable=False),
        sa.Column("period_end", sa.Date(), nullable=False),
        sa.Column("amount", migration.ExactDecimal(2), nullable=False),
        sa.Column("amount_currency", sa.String(3)),
    )


def downgrade() -> None:
    for table in ("sales_goal", "sales_assignment_rule", "sales_score_rule", "sales_lead_event",
                  "sales_deal_contact", "sales_lead", "sales_deal", "sales_stage", "sales_pipeline"):
        op.drop_table(table)
