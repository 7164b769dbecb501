"""accounts and sign-in security: invitations, throttling, API tokens, two-factor, security events

Revision ID: c003
Revises: c002
Create Date: 2026-11-23
"""
from alembic import op
import sqlalchemy as sa

revision = "c003"
down_revision = "c002"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def _user_fk(table: str, column: str, ondelete: str | None = None) -> sa.ForeignKey:
    return sa.ForeignKey("core_user.id", name=f"fk_{table}_{column}_core_user", ondelete=ondelete)


def upgrade() -> None:
    with op.batch_alter_table("core_user") as batch:
        batch.add_column(sa.Column("must_change_password", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("totp_secret", sa.String(64)))
        batch.add_column(sa.Column("totp_enabled_at", WHEN))
        batch.add_column(sa.Column("totp_last_counter", sa.Integer()))

    op.create_table(
        "core_invite",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("core_invite", "user_id", "CASCADE"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("created_by", sa.Integer(), _user_fk("core_invite", "created_by")),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN),
        sa.UniqueConstraint("token_hash", name="uq_core_invite_token_hash"),
    )
    op.create_index("ix_core_invite_user_id", "core_invite", ["user_id"])

    op.create_table(
        "core_login_attempt",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("ip", sa.String(45), nullable=False),
    )
    op.create_index("ix_core_login_attempt_at", "core_login_attempt", ["at"])
    op.create_index("ix_core_login_attempt_email_at", "core_login_attempt", ["email", "at"])
    op.create_index("ix_core_login_attempt_ip_at", "core_login_attempt", ["ip", "at"])

    op.create_table(
        "core_api_token",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("core_api_token", "user_id", "CASCADE"), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("scope", sa.String(8), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN),
        sa.Column("last_used_at", WHEN),
        sa.Column("revoked_at", WHEN),
        sa.UniqueConstraint("prefix", name="uq_core_api_token_prefix"),
    )
    op.create_index("ix_core_api_token_user_id", "core_api_token", ["user_id"])

    op.create_table(
        "core_recovery_code",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("user_id", sa.Integer(), _user_fk("core_recovery_code", "user_id", "CASCADE"), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("used_at", WHEN),
    )
    op.create_index("ix_core_recovery_code_user_id_code_hash", "core_recovery_code", ["user_id", "code_hash"],
                    unique=True)

    op.create_table(
        "core_security_event",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("at", WHEN, nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("user_id", sa.Integer(), _user_fk("core_security_event", "user_id")),
        sa.Column("actor_id", sa.Integer(), _user_fk("core_security_event", "actor_id")),
        sa.Column("ip", sa.String(45)),
        sa.Column("user_agent", sa.String(300)),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_core_security_event_at", "core_security_event", ["at"])
    op.create_index("ix_core_security_event_user_id_at", "core_security_event", ["user_id", "at"])


def downgrade() -> None:
    op.drop_table("core_security_event")
    op.drop_table("core_recovery_code")
    op.drop_table("core_api_token")
    op.drop_table("core_login_attempt")
    op.drop_table("core_invite")
    with op.batch_alter_table("core_user") as batch:
        batch.drop_column("totp_last_counter")
        batch.drop_column("totp_enabled_at")
        batch.drop_column("totp_secret")
        batch.drop_column("must_change_password")
