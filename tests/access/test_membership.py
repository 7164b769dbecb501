"""Roles and teams of users: who gets which role, and the is_admin copy kept in step."""
from __future__ import annotations

import pytest

from trato.errors import TratoError
from trato.models import User
from trato.roles.membership import assign_role, default_role, role_named, set_teams, team_ids_of
from trato.roles.models import Role, Team

from ..support.live import base_env, trato


def _role_of(app, user) -> str:
    with app.extensions["trato"].sessionmaker() as session:
        fresh = session.get(User, user.id)
        return session.get(Role, fresh.role_id).name


def test_new_users_get_the_default_role_and_admins_the_administrator_role(app, make_user):
    assert _role_of(app, make_user()) == "sales_rep"
    admin = make_user(admin=True)
    assert admin.is_admin and _role_of(app, admin) == "administrator"
    assert _role_of(app, make_user(is_admin=True)) == "administrator"
    manager = make_user(role="sales_manager")
    assert not manager.is_admin and _role_of(app, manager) == "sales_manager"


def test_the_default_role_follows_the_setting(make_app, make_user):
    app = make_app(default_role="read_only")
    assert _role_of(app, make_user(app=app)) == "read_only"


def test_assign_role_copies_is_admin_both_ways(app, make_user):
    user = make_user()
    with app.extensions["trato"].sessionmaker() as session:
        fresh = session.get(User, user.id)
        assign_role(session, fresh, "administrator")
        assert fresh.is_admin is True
        assign_role(session, fresh, role_named(session, "read_only"))
        assert fresh.is_admin is False and fresh.role_id == role_named(session, "read_only").id
        with pytest.raises(TratoError, match="no role named “boss”"):
            assign_role(session, fresh, "boss")
        assert default_role(session, app.extensions["trato"].settings).name == "sales_rep"


def test_set_teams_replaces_the_membership(app, make_user):
    with app.extensions["trato"].sessionmaker() as session:
        north, south = Team(name="North"), Team(name="South")
        session.add_all([north, south])
        session.commit()
        ids = north.id, south.id
    user = make_user(teams=[ids[0]])
    with app.extensions["trato"].sessionmaker() as session:
        assert team_ids_of(session, user.id) == [ids[0]]
        set_teams(session, user, [ids[1]])
        assert team_ids_of(session, user.id) == [ids[1]]
        with pytest.raises(TratoError, match="no team with the id 999"):
            set_teams(session, user, [999])
        assert team_ids_of(session, user.id) == [ids[1]]


def test_cli_user_create_takes_a_role(tmp_path, trato_db_url):
    env = base_env(str(tmp_path / "instance"), trato_db_url, "")
    trato("init", env=env)
    made = trato("user", "create", "m@example.com", "--password", "long-enough-pw", "--role", "sales_manager",
                 env=env)
    assert "Created user m@example.com with the role sales_manager." in made.stdout
    plain = trato("user", "create", "r@example.com", "--password", "long-enough-pw", env=env)
    assert "with the role sales_rep." in plain.stdout
    refused = trato("user", "create", "x@example.com", "--password", "long-enough-pw", "--role", "boss", env=env,
                    check=False)
    assert refused.returncode != 0 and "no role named “boss”" in refused.stderr
    assert "x@example.com" not in trato("user", "list", env=env).stdout
