"""The teams admin: create and rename teams, their members, and deleting only a team that owns nothing."""
from __future__ import annotations

import re

from sqlalchemy import select, update
from trato.roles.membership import team_ids_of
from trato.roles.models import Team
from trato.schema import EntitySpec, create_entity
from trato.security_log import SecurityEvent


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return found.group(1)


def team_named(app, name: str) -> Team | None:
    with app.extensions["trato"].sessionmaker() as session:
        return session.scalar(select(Team).where(Team.name == name))


def member_ids(app, team_id: int) -> set[int]:
    with app.extensions["trato"].sessionmaker() as session:
        from trato.roles.models import TeamMember

        return set(session.scalars(select(TeamMember.user_id).where(TeamMember.team_id == team_id)))


def logged(app, kind: str) -> list[SecurityEvent]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind).order_by(SecurityEvent.id)))


def test_create_rename_and_list_teams(trade_app, admin_client):
    made = admin_client.post("/admin/teams", data={"team-name": "North", "team-description": "The north office"})
    assert made.status_code == 302
    north = team_named(trade_app, "North")
    assert made.headers["Location"] == f"/admin/teams/{north.id}" and north.description == "The north office"
    page = admin_client.get("/admin/teams").get_data(as_text=True)
    assert f'href="/admin/teams/{north.id}">North</a>' in page and "The north office" in page
    renamed = admin_client.post(f"/admin/teams/{north.id}", data={"team-name": "North-east", "team-description": ""})
    assert renamed.status_code == 302
    assert team_named(trade_app, "North-east").id == north.id and team_named(trade_app, "North") is None
    assert [e.detail["team"] for e in logged(trade_app, "team_created")] == ["North"]
    [changed] = logged(trade_app, "team_changed")
    assert changed.detail["before"]["name"] == "North" and changed.detail["after"]["name"] == "North-east"


def test_team_name_refusals_are_shown_at_the_name(trade_app, admin_client):
    admin_client.post("/admin/teams", data={"team-name": "North"})
    admin_client.post("/admin/teams", data={"team-name": "South"})
    again = admin_client.post("/admin/teams", data={"team-name": "North"})
    assert again.status_code == 422
    assert "already a team named “North”" in field_error(again.get_data(as_text=True), "team-name")
    south = team_named(trade_app, "South")
    clash = admin_client.post(f"/admin/teams/{south.id}", data={"team-name": "North"})
    assert clash.status_code == 422 and "already a team" in field_error(clash.get_data(as_text=True), "team-name")
    empty = admin_client.post("/admin/teams", data={"team-name": "  "})
    assert empty.status_code == 422
    assert team_named(trade_app, "South").id == south.id
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert len(session.scalars(select(Team)).all()) == 2


def test_members_are_added_and_removed(trade_app, client_as, make_user):
    admin = make_user(admin=True, app=trade_app, name="Ada")
    client = client_as(admin, app=trade_app)
    client.post("/admin/teams", data={"team-name": "North"})
    north = team_named(trade_app, "North").id
    bea = make_user(app=trade_app, name="Bea Member", email="bea@example.com")
    page = client.get(f"/admin/teams/{north}").get_data(as_text=True)
    assert "Bea Member &lt;bea@example.com&gt;" in page and "No members yet." in page
    added = client.post(f"/admin/teams/{north}/members", data={"member-user": str(bea.id)})
    assert added.status_code == 302 and member_ids(trade_app, north) == {bea.id}
    page = client.get(f"/admin/teams/{north}").get_data(as_text=True)
    assert f'href="/admin/users/{bea.id}">Bea Member</a>' in page and "Sales rep" in page
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert team_ids_of(session, bea.id) == [north]
    unknown = client.post(f"/admin/teams/{north}/members", data={"member-user": "999999"})
    assert unknown.status_code == 422
    assert "no user with the id 999999" in field_error(unknown.get_data(as_text=True), "member-user")
    assert member_ids(trade_app, north) == {bea.id}
    removed = client.post(f"/admin/teams/{north}/members/{bea.id}/remove")
    assert removed.status_code == 302 and member_ids(trade_app, north) == set()
    changes = logged(trade_app, "team_members_changed")
    assert [(e.actor_id, e.detail) for e in changes] == [
        (admin.id, {"team": "North", "added": ["bea@example.com"], "removed": []}),
        (admin.id, {"team": "North", "added": [], "removed": ["bea@example.com"]})]


def test_a_team_that_owns_records_cannot_be_deleted(trade_app, admin_client, make_record, make_user):
    admin_client.post("/admin/teams", data={"team-name": "North"})
    north = team_named(trade_app, "North")
    member = make_user(app=trade_app, teams=[north.id])
    admin = make_user(admin=True, app=trade_app)
    with trade_app.app_context():
        vehicle = create_entity(EntitySpec("vehicle", {"en": "Vehicle"}, {"en": "Vehicles"}), user=admin)
    make_record("trade_account", name="Acme", team_id=north.id)
    make_record("trade_account", name="Other")
    make_record(vehicle.name, team_id=north.id)
    table = trade_app.extensions["trato"].entities.get("trade_account").table
    engine = trade_app.extensions["trato"].engine
    refused = admin_client.post(f"/admin/teams/{north.id}/delete")
    assert refused.status_code == 422
    assert "it owns 2 records (the recycle bin included)" in refused.get_data(as_text=True)
    assert team_named(trade_app, "North") is not None and member_ids(trade_app, north.id) == {member.id}
    assert logged(trade_app, "team_deleted") == []
    with engine.begin() as conn:
        conn.execute(update(table).values(team_id=None))
        conn.execute(update(vehicle.table).values(team_id=None))
    deleted = admin_client.post(f"/admin/teams/{north.id}/delete")
    assert deleted.status_code == 302 and deleted.headers["Location"] == "/admin/teams"
    assert team_named(trade_app, "North") is None and member_ids(trade_app, north.id) == set()
    [gone] = logged(trade_app, "team_deleted")
    assert gone.detail["team"] == "North" and gone.detail["members"] == [member.email]


def test_non_admins_get_403_and_change_nothing(trade_app, admin_client, client_as, make_user):
    admin_client.post("/admin/teams", data={"team-name": "North"})
    north = team_named(trade_app, "North").id
    user = make_user(app=trade_app, role="sales_manager")
    client = client_as(user, app=trade_app)
    assert client.get("/admin/teams").status_code == 403
    assert client.get(f"/admin/teams/{north}").status_code == 403
    assert client.post("/admin/teams", data={"team-name": "Mine"}).status_code == 403
    assert client.post(f"/admin/teams/{north}/members", data={"member-user": str(user.id)}).status_code == 403
    assert client.post(f"/admin/teams/{north}/delete").status_code == 403
    assert team_named(trade_app, "Mine") is None and team_named(trade_app, "North") is not None
    assert member_ids(trade_app, north) == set()


def test_the_teams_screen_in_spanish(trade_app, client_as, make_user):
    client = client_as(make_user(admin=True, app=trade_app, locale="es"), app=trade_app)
    page = client.get("/admin/teams").get_data(as_text=True)
    assert "Crear un equipo" in page and "Todavía no hay equipos." in page
