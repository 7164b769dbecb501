"""sales: the day a deal was won or lost, and lost reasons from a list administrators keep

Revision ID: s003
Revises: s002
Create Date: 2026-11-24

Adds `sales_lost_reason` with the usual reasons (in the language of whoever
upgrades: the signed-in administrator's, else the install's default), which
every role may read; and the deal's `closed_on` and `lost_reason_id`.

Deals already won or lost get `closed_on`: the day they entered their won or
lost stage (`stage_changed_at`, else `updated_at`), or their expected close
date when that is earlier, because deals imported as already won carry the
import's day as their stage date and their real closing in the close date.
Deals lost before reasons existed keep none (their free-text reason stays in
`lost_reason`); the plugin asks for one only when a deal becomes lost.
"""
from datetime import date, datetime, timezone

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from trato import migration, record_columns

from trato_sales.lost_reasons import default_names
from trato_sales.setup import install_language

revision = "s003"
down_revision = "s002"
branch_labels = None
depends_on = None

BATCH = 1000
REASON_FK = "fk_sales_deal_lost_reason_id_sales_lost_reason"


def _day(moment: datetime | None) -> date | None:
    """The UTC day of a stored moment (naive on SQLite, where it is stored in UTC)."""
    if moment is None:
        return None
    return (moment.astimezone(timezone.utc) if moment.tzinfo else moment).date()


def _closed_on(stage_changed_at: datetime | None, updated_at: datetime, close_date: date | None) -> date:
    entered = _day(stage_changed_at) or _day(updated_at)
    return min(entered, close_date) if close_date else entered


def _date_closed_deals(conn: sa.Connection) -> None:
    when = sa.DateTime(timezone=True)
    deal = sa.table("sales_deal", sa.column("id"), sa.column("stage_id"), sa.column("stage_changed_at", when),
                    sa.column("updated_at", when), sa.column("close_date", sa.Date()),
                    sa.column("closed_on", sa.Date()))
    stage = sa.table("sales_stage", sa.column("id"), sa.column("outcome"))
    last = 0
    while rows := conn.execute(
            sa.select(deal.c.id, deal.c.stage_changed_at, deal.c.updated_at, deal.c.close_date)
            .join(stage, stage.c.id == deal.c.stage_id)
            .where(stage.c.outcome.in_(("won", "lost")), deal.c.id > last).order_by(deal.c.id).limit(BATCH)).all():
        conn.execute(sa.update(deal).where(deal.c.id == sa.bindparam("deal_id"))
                     .values(closed_on=sa.bindparam("day")),
                     [{"deal_id": r.id, "day": _closed_on(r.stage_changed_at, r.updated_at, r.close_date)}
                      for r in rows])
        last = rows[-1].id


def upgrade() -> None:
    reasons = op.create_table(
        "sales_lost_reason", *record_columns(),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.BigInteger()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.UniqueConstraint("name", name="uq_sales_lost_reason_name"),
    )
    with op.batch_alter_table("sales_deal") as batch:
        batch.add_column(sa.Column("closed_on", sa.Date()))
        batch.add_column(sa.Column("lost_reason_id", sa.Integer(),
                                   sa.ForeignKey("sales_lost_reason.id", name=REASON_FK)))
    op.create_index("ix_sales_deal_closed_on", "sales_deal", ["closed_on"])
    op.create_index("ix_sales_deal_lost_reason_id", "sales_deal", ["lost_reason_id"])
    conn = op.get_bind()
    now = datetime.now(timezone.utc)
    op.bulk_insert(reasons, [{"name": name, "position": position, "active": True, "created_at": now,
                              "updated_at": now, "version": 1}
                             for position, name in enumerate(default_names(install_language()), start=1)])
    with Session(bind=conn) as session:
        migration.grant(session, "sales_lost_reason", ("view",), "all")
    _date_closed_deals(conn)


def downgrade() -> None:
    op.drop_index("ix_sales_deal_lost_reason_id", table_name="sales_deal")
    op.drop_index("ix_sales_deal_closed_on", table_name="sales_deal")
    with op.batch_alter_table("sales_deal") as batch:
        batch.drop_constraint(REASON_FK, type_="foreignkey")
        batch.drop_column("lost_reason_id")
        batch.drop_column("closed_on")
    op.drop_table("sales_lost_reason")
