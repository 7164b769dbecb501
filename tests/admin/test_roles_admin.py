"""The roles admin: the tree, each role's matrix and field rules, refusals, the log, and users' roles and teams."""
from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import select
from trato.models import User
from trato.roles.membership import role_named, team_ids_of
from trato.roles.models import Role, RoleFieldRule, RolePermission, Team
from trato.schema import EntitySpec, create_entity
from trato.security_log import SecurityEvent


class FormValues(HTMLParser):
    """What a browser would post for the form whose action is `action`: checked boxes and selected options."""

    def __init__(self, action: str) -> None:
        super().__init__()
        self.action, self.inside, self.select = action, False, None
        self.values: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        elif not self.inside:
            return
        elif tag == "input" and a.get("type") == "checkbox" and "checked" in a:
            self.values[a["name"]] = a.get("value") or "y"
        elif tag == "input" and a.get("type") not in ("checkbox", "submit"):
            self.values[a["name"]] = a.get("value") or ""
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and ("selected" in a or self.select not in self.values):
            self.values[self.select] = a.get("value") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None


def form_values(page: str, action: str) -> dict[str, str]:
    parser = FormValues(action)
    parser.feed(page)
    return parser.values


def field_error(page: str, field_id: str) -> str:
    found = re.search(rf'<p class="field-error" id="{re.escape(field_id)}-error">([^<]*)</p>', page)
    assert found, f"no error at {field_id}"
    return found.group(1)


def role_id(app, name: str) -> int:
    with app.extensions["trato"].sessionmaker() as session:
        return role_named(session, name).id


def permissions(app, name: str) -> dict[str, tuple]:
    """The stored matrix rows of a role: entity -> (actions..., scope)."""
    with app.extensions["trato"].sessionmaker() as session:
        rows = session.scalars(select(RolePermission).where(RolePermission.role_id == role_named(session, name).id))
        return {r.entity: (r.can_view, r.can_create, r.can_edit, r.can_delete, r.can_import, r.can_export, r.scope)
                for r in rows}


def events(app, kind: str) -> list[SecurityEvent]:
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(SecurityEvent).where(SecurityEvent.kind == kind)
                                    .order_by(SecurityEvent.id)))


def matrix_url(app, name: str) -> str:
    return f"/admin/roles/{role_id(app, name)}/matrix"


def current_matrix(client, app, name: str) -> dict[str, str]:
    page = client.get(f"/admin/roles/{role_id(app, name)}").get_data(as_text=True)
    return form_values(page, matrix_url(app, name))


def test_the_roles_show_as_a_tree_of_who_reports_to_whom(trade_app, admin_client):
    page = admin_client.get("/admin/roles").get_data(as_text=True)
    order = [re.search(rf'data-depth="(\d)">(?:(?!</tr>).)*?>{label}</a>', page, re.S) for label in
             ("Administrator", "Sales manager", "Sales rep", "Read-only")]
    assert all(order), page
    assert [int(m.group(1)) for m in order] == [0, 1, 2, 1]
    assert [m.start() for m in order] == sorted(m.start() for m in order)
    assert 'href="/admin/roles"' in admin_client.get("/admin/users").get_data(as_text=True)


def test_the_matrix_saves_and_shows_back(trade_app, admin_client):
    data = current_matrix(admin_client, trade_app, "sales_rep")
    assert data["m-default__view"] == "y" and data["m-default__scope"] == "own" and "m-default__import" not in data
    assert data["m-e_trade_deal__edit"] == "y"  # follows the default row
    for action in ("create", "edit", "delete"):
        data.pop(f"m-e_trade_deal__{action}")
    data.update({"m-e_trade_deal__export": "y", "m-e_trade_deal__scope": "all", "m-default__scope": "team"})
    saved = admin_client.post(matrix_url(trade_app, "sales_rep"), data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    stored = permissions(trade_app, "sales_rep")
    assert stored["trade_deal"] == (True, False, False, False, False, True, "all")
    assert stored["*"] == (True, True, True, True, False, False, "team")
    assert "trade_account" not in stored  # still follows the default
    shown = current_matrix(admin_client, trade_app, "sales_rep")
    assert shown["m-e_trade_deal__scope"] == "all" and shown["m-e_trade_deal__export"] == "y"
    assert "m-e_trade_deal__edit" not in shown and shown["m-e_trade_account__scope"] == "team"
    # Putting the row back as the default removes it: it follows the default again.
    shown.update({f"m-e_trade_deal__{a}": "y" for a in ("create", "edit", "delete")})
    shown.pop("m-e_trade_deal__export")
    shown["m-e_trade_deal__scope"] = "team"
    assert admin_client.post(matrix_url(trade_app, "sales_rep"), data=shown).status_code == 302
    assert "trade_deal" not in permissions(trade_app, "sales_rep")


def test_a_custom_entity_appears_in_the_matrix_at_once(trade_app, admin_client, make_user):
    admin = make_user(admin=True, app=trade_app)
    with trade_app.app_context():
        create_entity(EntitySpec("vehicle", {"en": "Vehicle", "es": "Vehículo"}, {"en": "Vehicles", "es": "Vehículos"}),
                      user=admin)
    page = admin_client.get(f"/admin/roles/{role_id(trade_app, 'sales_rep')}").get_data(as_text=True)
    assert "Vehicles" in page and "x_vehicle" in page
    data = current_matrix(admin_client, trade_app, "sales_rep")
    data.pop("m-e_x_vehicle__delete")
    assert admin_client.post(matrix_url(trade_app, "sales_rep"), data=data).status_code == 302
    assert permissions(trade_app, "sales_rep")["x_vehicle"] == (True, True, True, False, False, False, "own")


def test_a_bad_scope_is_refused_at_its_input_and_nothing_is_saved(trade_app, admin_client):
    before = permissions(trade_app, "sales_rep")
    data = current_matrix(admin_client, trade_app, "sales_rep")
    data.update({"m-e_trade_account__scope": "everyone", "m-default__export": "y"})
    answer = admin_client.post(matrix_url(trade_app, "sales_rep"), data=data)
    assert answer.status_code == 422
    message = field_error(answer.get_data(as_text=True), "m-e_trade_account__scope")
    assert "Accounts" in message and "everyone" in message and "not a scope" in message
    assert permissions(trade_app, "sales_rep") == before


def test_a_role_may_see_all_and_change_only_its_own(trade_app, admin_client):
    data = current_matrix(admin_client, trade_app, "sales_rep")
    assert (data["m-default__scope"], data["m-default__edit_scope"], data["m-default__delete_scope"]) == \
        ("own", "own", "own")
    data.update({"m-default__scope": "all", "m-e_trade_deal__scope": "all", "m-e_trade_deal__delete_scope": "team"})
    saved = admin_client.post(matrix_url(trade_app, "sales_rep"), data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)
    with trade_app.extensions["trato"].sessionmaker() as session:
        rows = {r.entity: (r.scope, r.edit_scope, r.delete_scope) for r in session.scalars(
            select(RolePermission).where(RolePermission.role_id == role_named(session, "sales_rep").id))}
    assert rows == {"*": ("all", "own", "own"), "trade_deal": ("all", "own", "team")}
    shown = current_matrix(admin_client, trade_app, "sales_rep")
    assert (shown["m-e_trade_deal__scope"], shown["m-e_trade_deal__edit_scope"],
            shown["m-e_trade_deal__delete_scope"]) == ("all", "own", "team")
    assert shown["m-e_trade_account__edit_scope"] == "own"  # follows the default
    page = admin_client.get(f"/admin/roles/{role_id(trade_app, 'sales_rep')}").get_data(as_text=True)
    assert ">Sees</th>" in page and ">Edits</th>" in page and ">Deletes</th>" in page


def test_changing_or_deleting_more_than_is_seen_is_refused_at_its_input(trade_app, admin_client):
    before = permissions(trade_app, "sales_manager")
    data = current_matrix(admin_client, trade_app, "sales_manager")
    data.update({"m-e_trade_deal__scope": "own"})  # its edit scope stays "team"
    answer = admin_client.post(matrix_url(trade_app, "sales_manager"), data=data)
    assert answer.status_code == 422
    message = field_error(answer.get_data(as_text=True), "m-e_trade_deal__edit_scope")
    assert message == "Deals: users cannot change more records than they see (“Own records”); choose that scope " \
                      "or a narrower one."
    data.update({"m-e_trade_deal__edit_scope": "own"})
    answer = admin_client.post(matrix_url(trade_app, "sales_manager"), data=data)
    assert "cannot delete more records than they see" in field_error(answer.get_data(as_text=True),
                                                                     "m-e_trade_deal__delete_scope")
    assert permissions(trade_app, "sales_manager") == before
    data.update({"m-e_trade_deal__delete_scope": "own"})
    assert admin_client.post(matrix_url(trade_app, "sales_manager"), data=data).status_code == 302


def test_an_action_without_what_it_needs_is_refused(trade_app, admin_client):
    before = permissions(trade_app, "sales_rep")
    data = current_matrix(admin_client, trade_app, "sales_rep")
    data.pop("m-e_trade_deal__view")
    answer = admin_client.post(matrix_url(trade_app, "sales_rep"), data=data)
    assert answer.status_code == 422
    assert "Deals: edit needs view." in field_error(answer.get_data(as_text=True), "m-e_trade_deal__edit")
    assert permissions(trade_app, "sales_rep") == before


def test_the_administrator_matrix_cannot_be_changed(trade_app, admin_client):
    before = permissions(trade_app, "administrator")
    page = admin_client.get(f"/admin/roles/{role_id(trade_app, 'administrator')}").get_data(as_text=True)
    assert "cannot be changed" in page and "Save permissions" not in page
    data = {"m-default__view": "y", "m-default__scope": "own"}
    answer = admin_client.post(matrix_url(trade_app, "administrator"), data=data)
    assert answer.status_code == 422
    assert "its permissions cannot be changed" in answer.get_data(as_text=True)
    assert permissions(trade_app, "administrator") == before


def test_a_permission_change_is_in_the_security_log(trade_app, client_as, make_user):
    admin = make_user(admin=True, app=trade_app, name="Ada Admin")
    client = client_as(admin, app=trade_app)
    data = current_matrix(client, trade_app, "read_only")
    data["m-e_trade_account__scope"] = "own"
    assert client.post(matrix_url(trade_app, "read_only"), data=data).status_code == 302
    [logged] = events(trade_app, "permissions_changed")
    assert logged.actor_id == admin.id and logged.label == "Role permissions changed"
    # Read-only changes nothing: its edit and delete scopes limit nothing and follow what it sees.
    assert logged.detail == {"role": "read_only", "changes": {"trade_account": {
        "before": {"actions": ["view", "export"], "scope": "all", "edit_scope": "all", "delete_scope": "all"},
        "after": {"actions": ["view", "export"], "scope": "own", "edit_scope": "own", "delete_scope": "own"}}}}
    # Saving again without a change writes nothing.
    assert client.post(matrix_url(trade_app, "read_only"), data=data).status_code == 302
    assert len(events(trade_app, "permissions_changed")) == 1


def test_create_rename_and_delete_a_role(trade_app, admin_client):
    manager = role_id(trade_app, "sales_manager")
    made = admin_client.post("/admin/roles", data={"role-name": "support", "role-label_en": "Support",
                                                   "role-label_es": "Soporte", "role-parent": str(manager)})
    assert made.status_code == 302
    support = role_id(trade_app, "support")
    assert made.headers["Location"] == f"/admin/roles/{support}"
    assert permissions(trade_app, "support") == {"*": (False,) * 6 + ("own",)}
    renamed = admin_client.post(f"/admin/roles/{support}", data={"role-label_en": "Helpdesk", "role-label_es": "",
                                                                  "role-parent": ""})
    assert renamed.status_code == 302
    with trade_app.extensions["trato"].sessionmaker() as session:
        role = session.get(Role, support)
        assert role.label == {"en": "Helpdesk"} and role.parent_id is None and role.name == "support"
    assert "Helpdesk" in admin_client.get("/admin/roles").get_data(as_text=True)
    gone = admin_client.post(f"/admin/roles/{support}/delete")
    assert gone.status_code == 302 and gone.headers["Location"] == "/admin/roles"
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert session.get(Role, support) is None
    assert [e.kind for e in events(trade_app, "role_created") + events(trade_app, "role_changed")
            + events(trade_app, "role_deleted")] == ["role_created", "role_changed", "role_deleted"]


def test_role_refusals_leave_everything_as_it_was(trade_app, admin_client, make_user):
    taken = admin_client.post("/admin/roles", data={"role-name": "sales_rep", "role-label_en": "Again"})
    assert taken.status_code == 422
    assert "already a role named" in field_error(taken.get_data(as_text=True), "role-name")
    bad_name = admin_client.post("/admin/roles", data={"role-name": "Big Boss", "role-label_en": "Boss"})
    assert bad_name.status_code == 422 and "lower-case" in field_error(bad_name.get_data(as_text=True), "role-name")

    manager, rep = role_id(trade_app, "sales_manager"), role_id(trade_app, "sales_rep")
    cycle = admin_client.post(f"/admin/roles/{manager}", data={"role-label_en": "Boss", "role-parent": str(rep)})
    assert cycle.status_code == 422
    assert "cannot report to a role that reports to it" in field_error(cycle.get_data(as_text=True), "role-parent")
    itself = admin_client.post(f"/admin/roles/{rep}", data={"role-label_en": "Rep", "role-parent": str(rep)})
    assert itself.status_code == 422
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert session.get(Role, manager).label == {"en": "Sales manager", "es": "Director comercial"}
        assert session.get(Role, manager).parent_id == role_id(trade_app, "administrator")
        assert session.get(Role, rep).parent_id == manager

    admin_client.post("/admin/roles", data={"role-name": "support", "role-label_en": "Support"})
    make_user(app=trade_app, role="support")
    held = admin_client.post(f"/admin/roles/{role_id(trade_app, 'support')}/delete")
    assert held.status_code == 422
    assert "cannot be deleted: 1 user holds it" in held.get_data(as_text=True)
    builtin = admin_client.post(f"/admin/roles/{rep}/delete")
    assert builtin.status_code == 422 and "built-in role and cannot be deleted" in builtin.get_data(as_text=True)
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert session.scalar(select(Role.id).where(Role.name == "support")) is not None
    assert events(trade_app, "role_deleted") == []


def test_field_rules_save_and_show_back(trade_app, admin_client):
    rep = role_id(trade_app, "sales_rep")
    url = f"/admin/roles/{rep}/fields/trade_account"
    page = admin_client.get(url).get_data(as_text=True)
    assert "Annual revenue" in page and "owner_id" not in page
    data = form_values(page, url)
    data.update({"rule-f_revenue": "hidden", "rule-f_email": "readonly"})
    assert admin_client.post(url, data=data).status_code == 302
    with trade_app.extensions["trato"].sessionmaker() as session:
        rules = {(r.field, r.rule) for r in session.scalars(select(RoleFieldRule).where(RoleFieldRule.role_id == rep))}
    assert rules == {("revenue", "hidden"), ("email", "readonly")}
    shown = form_values(admin_client.get(url).get_data(as_text=True), url)
    assert (shown["rule-f_revenue"] == "hidden" and shown["rule-f_email"] == "readonly"
            and shown["rule-f_city"] == "visible")
    shown["rule-f_city"] = "secret"
    bad = admin_client.post(url, data=shown)
    assert bad.status_code == 422 and "not a field rule" in field_error(bad.get_data(as_text=True), "rule-f_city")
    [logged] = events(trade_app, "field_rules_changed")
    assert logged.detail["changes"]["revenue"] == {"before": "visible", "after": "hidden"}
    assert admin_client.get(f"/admin/roles/{rep}/fields/nothing_here").status_code == 404


def test_non_admins_get_403_and_change_nothing(trade_app, client_as, make_user):
    user = client_as(make_user(app=trade_app, role="sales_manager"), app=trade_app)
    rep = role_id(trade_app, "sales_rep")
    before = permissions(trade_app, "sales_rep")
    for url in ("/admin/roles", f"/admin/roles/{rep}", f"/admin/roles/{rep}/fields/trade_deal"):
        assert user.get(url).status_code == 403
    assert user.post(f"/admin/roles/{rep}/matrix", data={"m-default__view": "y", "m-default__scope": "all"}
                     ).status_code == 403
    assert user.post(f"/admin/roles/{rep}/delete").status_code == 403
    assert user.post("/admin/roles", data={"role-name": "mine", "role-label_en": "Mine"}).status_code == 403
    assert permissions(trade_app, "sales_rep") == before
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert session.scalar(select(Role.id).where(Role.name == "mine")) is None


def _team(app, name: str) -> int:
    with app.extensions["trato"].sessionmaker() as session:
        team = Team(name=name)
        session.add(team)
        session.commit()
        return team.id


def test_a_users_role_and_teams_are_set_from_the_user_page(trade_app, client_as, make_user):
    admin = make_user(admin=True, app=trade_app)
    client = client_as(admin, app=trade_app)
    north, south = _team(trade_app, "North"), _team(trade_app, "South")
    bea = make_user(app=trade_app, name="Bea", teams=[north])
    page = client.get(f"/admin/users/{bea.id}").get_data(as_text=True)
    shown = form_values(page, f"/admin/users/{bea.id}/access")
    assert shown["access-role"] == "sales_rep" and shown["access-teams"] == str(north)
    answer = client.post(f"/admin/users/{bea.id}/access", data={"access-role": "sales_manager",
                                                                "access-teams": [str(south)]})
    assert answer.status_code == 302
    with trade_app.extensions["trato"].sessionmaker() as session:
        fresh = session.get(User, bea.id)
        assert session.get(Role, fresh.role_id).name == "sales_manager" and not fresh.is_admin
        assert team_ids_of(session, bea.id) == [south]
    [assigned] = events(trade_app, "role_assigned")
    assert (assigned.user_id, assigned.actor_id, assigned.detail) == (
        bea.id, admin.id, {"before": "sales_rep", "after": "sales_manager"})
    [teams] = events(trade_app, "teams_assigned")
    assert teams.detail == {"added": ["South"], "removed": ["North"]}
    page = client.get(f"/admin/users/{bea.id}").get_data(as_text=True)
    assert "Sales manager" in page and "Role changed" in page and "Teams changed" in page
    assert "Sales manager" in client.get("/admin/users").get_data(as_text=True)

    made_admin = client.post(f"/admin/users/{bea.id}/access", data={"access-role": "administrator"})
    assert made_admin.status_code == 302
    with trade_app.extensions["trato"].sessionmaker() as session:
        assert session.get(User, bea.id).is_admin and team_ids_of(session, bea.id) == []


def test_user_page_refusals_change_nothing(trade_app, client_as, make_user):
    admin = make_user(admin=True, app=trade_app)
    client = client_as(admin, app=trade_app)
    unknown_role = client.post(f"/admin/users/{admin.id}/access", data={"access-role": "boss"})
    assert unknown_role.status_code == 422
    assert "no role named “boss”" in field_error(unknown_role.get_data(as_text=True), "access-role")
    unknown_team = client.post(f"/admin/users/{admin.id}/access", data={"access-role": "administrator",
                                                                        "access-teams": "999"})
    assert unknown_team.status_code == 422
    assert "no team with the id 999" in field_error(unknown_team.get_data(as_text=True), "access-teams")
    last = client.post(f"/admin/users/{admin.id}/access", data={"access-role": "read_only"})
    assert last.status_code == 422
    assert "last active administrator" in field_error(last.get_data(as_text=True), "access-role")
    with trade_app.extensions["trato"].sessionmaker() as session:
        fresh = session.get(User, admin.id)
        assert fresh.is_admin and session.get(Role, fresh.role_id).name == "administrator"
    assert events(trade_app, "role_assigned") == []


def test_new_users_get_the_role_and_teams_chosen_in_the_forms(trade_app, admin_client):
    north = _team(trade_app, "North")
    page = admin_client.get("/admin/users").get_data(as_text=True)
    assert "The default role (Sales rep)" in page and "North" in page
    invited = admin_client.post("/admin/users/invite", data={"invite-name": "Ann", "invite-email": "ann@example.com",
                                                             "invite-role": "read_only",
                                                             "invite-teams": str(north)})
    assert invited.status_code == 200
    added = admin_client.post("/admin/users", data={"name": "Bo", "email": "bo@example.com",
                                                    "password": "correct-horse-battery"})
    assert added.status_code == 302
    refused = admin_client.post("/admin/users", data={"name": "Cy", "email": "cy@example.com",
                                                      "password": "correct-horse-battery", "role": "boss"})
    assert refused.status_code == 422 and "no role named" in field_error(refused.get_data(as_text=True), "role")
    with trade_app.extensions["trato"].sessionmaker() as session:
        ann = session.scalar(select(User).where(User.email == "ann@example.com"))
        bo = session.scalar(select(User).where(User.email == "bo@example.com"))
        assert session.get(Role, ann.role_id).name == "read_only" and team_ids_of(session, ann.id) == [north]
        assert session.get(Role, bo.role_id).name == "sales_rep" and team_ids_of(session, bo.id) == []
        assert session.scalar(select(User).where(User.email == "cy@example.com")) is None


def test_spanish_labels_with_the_es_locale(trade_app, client_as, make_user, admin_client):
    admin_client.post("/admin/roles", data={"role-name": "support", "role-label_en": "Support",
                                            "role-label_es": "Soporte"})
    client = client_as(make_user(admin=True, app=trade_app, locale="es"), app=trade_app)
    page = client.get("/admin/roles").get_data(as_text=True)
    for label in ("Administrador", "Director comercial", "Comercial", "Solo lectura", "Soporte"):
        assert f">{label}</a>" in page
    assert "Sales manager" not in page
    matrix = client.get(f"/admin/roles/{role_id(trade_app, 'sales_rep')}").get_data(as_text=True)
    assert "Todas las demás entidades (por defecto)" in matrix and "Permisos" in matrix
    assert "Registros propios" in matrix


def test_the_roles_and_teams_screens_keep_csrf(make_app, client_as):
    from trato_trade import plugin as trade_plugin

    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, csrf=True)
    client = client_as("admin", app=app)
    data = current_matrix(client, app, "sales_rep")
    forged = {k: v for k, v in data.items() if k != "m-csrf_token"}
    assert client.post(matrix_url(app, "sales_rep"), data=forged).status_code == 400
    data["m-default__scope"] = "all"
    assert client.post(matrix_url(app, "sales_rep"), data=data).status_code == 302
    assert permissions(app, "sales_rep")["*"][-1] == "all"
