"""roles with per-entity permissions and field rules, teams, and team ownership of records

Revision ID: c005
Revises: c004
Create Date: 2026-11-22

Ships the four default roles (administrator, sales manager, sales rep,
read-only) and gives every existing user one: administrators the
administrator role, everyone else sales rep. Custom entity tables get the
`team_id` record column; plugins add it to their own tables with
`trato.migration_helpers.ensure_record_columns`.
"""
from alembic import op
import sqlalchemy as sa

from trato.migration_helpers import ensure_record_columns

revision = "c005"
down_revision = "c004"
branch_labels = None
depends_on = None

# name, English, Spanish, reports to, is_admin; then the "*" permission row:
# view, create, edit, delete, import, export, scope.
DEFAULT_ROLES = [
    ("administrator", "Administrator", "Administrador", None, True,
     (True, True, True, True, True, True, "all")),
    ("sales_manager", "Sales manager", "Director comercial", "administrator", False,
     (True, True, True, True, True, True, "team")),
    ("sales_rep", "Sales rep", "Comercial", "sales_manager", False,
     (True, True, True, True, False, False, "own")),
    ("read_only", "Read-only", "Solo lectura", "administrator", False,
     (True, False, False, False, False, True, "all")),
]
ACTIONS = ("view", "create", "edit", "delete", "import", "export")


def upgrade() -> None:
    role = op.create_table(
        "core_role",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("label", sa.JSON(), nullable=False),
        sa.Column("parent_id", sa.Integer(), sa.ForeignKey("core_role.id", name="fk_core_role_parent_id_core_role")),
        sa.Column("is_admin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("builtin", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.UniqueConstraint("name", name="uq_core_role_name"),
    )
    permission = op.create_table(
        "core_role_permission",
        sa.Column("role_id", sa.Integer(),
                  sa.ForeignKey("core_role.id", name="fk_core_role_permission_role_id_core_role", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        *(sa.Column(f"can_{action}", sa.Boolean(), nullable=False, server_default=sa.false()) for action in ACTIONS),
        sa.Column("scope", sa.String(8), nullable=False, server_default="own"),
    )
    op.create_table(
        "core_role_field",
        sa.Column("role_id", sa.Integer(),
                  sa.ForeignKey("core_role.id", name="fk_core_role_field_role_id_core_role", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("entity", sa.String(64), primary_key=True),
        sa.Column("field", sa.String(64), primary_key=True),
        sa.Column("rule", sa.String(8), nullable=False),
    )
    op.create_table(
        "core_team",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("description", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("name", name="uq_core_team_name"),
    )
    op.create_table(
        "core_team_member",
        sa.Column("team_id", sa.Integer(),
                  sa.ForeignKey("core_team.id", name="fk_core_team_member_team_id_core_team", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("user_id", sa.Integer(),
                  sa.ForeignKey("core_user.id", name="fk_core_team_member_user_id_core_user", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_core_team_member_user_id", "core_team_member", ["user_id"])
    with op.batch_alter_table("core_user") as batch:
        batch.add_column(sa.Column("role_id", sa.Integer(),
                                   sa.ForeignKey("core_role.id", name="fk_core_user_role_id_core_role")))
        batch.create_index("ix_core_user_role_id", ["role_id"])

    conn = op.get_bind()
    ids: dict[str, int] = {}
    for position, (name, en, es, parent, is_admin, rule) in enumerate(DEFAULT_ROLES):
        ids[name] = conn.execute(
            role.insert().returning(role.c.id),
            {"name": name, "label": {"en": en, "es": es}, "parent_id": ids.get(parent or ""),
             "is_admin": is_admin, "builtin": True, "position": position},
        ).scalar_one()
        conn.execute(permission.insert(), {"role_id": ids[name], "entity": "*", "scope": rule[-1],
                                           **{f"can_{a}": allowed for a, allowed in zip(ACTIONS, rule)}})
    user = sa.table("core_user", sa.column("role_id", sa.Integer()), sa.column("is_admin", sa.Boolean()))
    conn.execute(user.update().where(user.c.is_admin == sa.true()).values(role_id=ids["administrator"]))
    conn.execute(user.update().where(user.c.is_admin == sa.false()).values(role_id=ids["sales_rep"]))

    entity = sa.table("core_entity", sa.column("name", sa.String()), sa.column("kind", sa.String()))
    for (name,) in conn.execute(sa.select(entity.c.name).where(entity.c.kind == "custom")):
        ensure_record_columns(name)


def downgrade() -> None:
    conn = op.get_bind()
    entity = sa.table("core_entity", sa.column("name", sa.String()), sa.column("kind", sa.String()))
    for (name,) in conn.execute(sa.select(entity.c.name).where(entity.c.kind == "custom")):
        with op.batch_alter_table(name) as batch:
            batch.drop_index(f"ix_{name}_team_id")
            batch.drop_column("team_id")
    with op.batch_alter_table("core_user") as batch:
        batch.drop_index("ix_core_user_role_id")
        batch.drop_constraint("fk_core_user_role_id_core_role", type_="foreignkey")
        batch.drop_column("role_id")
    op.drop_index("ix_core_team_member_user_id", "core_team_member")
    for table in ("core_team_member", "core_team", "core_role_field", "core_role_permission", "core_role"):
        op.drop_table(table)
