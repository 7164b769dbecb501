"""Saved views: save what a page shows, open it, share it with a role, a team or everyone, rename, delete,
and the default view a bare list opens with."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from trato import db
from trato.roles.models import Team
from trato.saved_views import SavedView


def _text(response) -> str:
    return response.get_data(as_text=True)


def _views(page: str) -> list[str]:
    """The names in the page's views menu."""
    menu = re.search(r'<ul class="views-list">(.*?)</ul>', page, re.S)
    return re.findall(r'<a href="/r/[a-z_]+/views/\d+"[^>]*>([^<]+)</a>', menu.group(1)) if menu else []


def _save(client, name: str, back: str, kind: str = "list", **form):
    return client.post("/r/trade_deal/views", data={"name": name, "back": back, "kind": kind, **form})


def _view(app, name: str) -> SavedView:
    with app.app_context():
        return db.session().scalar(select(SavedView).where(SavedView.name == name))


def test_save_the_current_list_and_open_it_again(trade_app, client_as, make_record):
    make_record("trade_deal", name="Ganado", stage="won")
    make_record("trade_deal", name="Nuevo", stage="new")
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/?cols=name,stage&sort=-name&stage=won"))
    back = re.search(r'<form method="post" action="/r/trade_deal/views" class="save-view">'
                     r'.*?name="back" value="([^"]*)"',
                     page, re.S).group(1).replace("&amp;", "&")
    saved = _save(client, "Ganados", back + "&cursor=abc")
    assert saved.status_code == 302
    target = urlsplit(saved.headers["Location"])
    args = parse_qs(target.query)
    assert target.path == "/r/trade_deal/" and args["stage"] == ["won"] and args["sort"] == ["-name"]
    assert "cursor" not in args and args["view"] == [str(_view(trade_app, "Ganados").id)]
    opened = _text(client.get(saved.headers["Location"]))
    assert "The view Ganados was saved." in opened
    assert _views(opened) == ["Ganados"] and "Views: <strong>Ganados</strong>" in opened
    assert re.findall(r'<a href="/r/trade_deal/\d+">([^<]+)</a>', opened) == ["Ganado"]
    again = client.get(f"/r/trade_deal/views/{_view(trade_app, 'Ganados').id}")
    assert again.headers["Location"] == saved.headers["Location"]


def test_a_kanban_view_opens_the_board(trade_app, client_as):
    client = client_as("admin")
    opened = _save(client, "Tablero", "by=stage&sum=amount&stage=new", kind="kanban")
    assert urlsplit(opened.headers["Location"]).path == "/r/trade_deal/kanban"
    board = _text(client.get(opened.headers["Location"]))
    assert _views(board) == ["Tablero"] and 'id="kanban"' in board
    assert '<option value="amount" selected>' in board


def test_sharing_nobody_role_team_everyone(trade_app, client_as, make_user):
    with trade_app.app_context():
        team = Team(name="Norte")
        db.session().add(team)
        db.session().commit()
        team_id = team.id
    ana = make_user(name="Ana", teams=[team_id])  # a sales rep in the team
    rep = make_user(name="Rafa")  # a sales rep outside it
    boss = make_user(admin=True, name="Jefa")  # another role
    ana_client = client_as(ana)
    _save(ana_client, "Mía", "stage=new")
    _save(ana_client, "Del rol", "stage=new", shared="role")
    _save(ana_client, "Del equipo", "stage=new", shared="team", team_id=str(team_id))
    _save(ana_client, "De todos", "stage=new", shared="everyone")
    assert _views(_text(ana_client.get("/r/trade_deal/?sort=name"))) == ["De todos", "Del equipo", "Del rol", "Mía"]
    assert _views(_text(client_as(rep).get("/r/trade_deal/?sort=name"))) == ["De todos", "Del rol"]
    assert _views(_text(client_as(boss).get("/r/trade_deal/?sort=name"))) == ["De todos"]
    # Only the owner renames or deletes; others may not even open what is not shared with them.
    mine = _view(trade_app, "Mía").id
    everyone = _view(trade_app, "De todos").id
    assert client_as(rep).post(f"/r/trade_deal/views/{everyone}/rename", data={"name": "Robada"}).status_code == 404
    assert client_as(rep).post(f"/r/trade_deal/views/{everyone}/delete").status_code == 404
    assert client_as(rep).get(f"/r/trade_deal/views/{mine}").status_code == 404
    assert _view(trade_app, "De todos") is not None
    refused = _text(client_as(rep).post("/r/trade_deal/views", data={"name": "Ajeno", "shared": "team",
                                                                     "team_id": str(team_id)}, follow_redirects=True))
    assert "Choose one of your teams" in refused and _view(trade_app, "Ajeno") is None


def test_rename_delete_and_a_name_is_required(trade_app, client_as):
    client = client_as("admin")
    _save(client, "Borrador", "stage=new")
    view = _view(trade_app, "Borrador").id
    renamed = client.post(f"/r/trade_deal/views/{view}/rename", data={"name": "Nuevos", "back": f"view={view}"},
                          follow_redirects=True)
    assert "The view was renamed to Nuevos." in _text(renamed) and _views(_text(renamed)) == ["Nuevos"]
    empty = client.post("/r/trade_deal/views", data={"name": "  ", "back": "stage=won"}, follow_redirects=True)
    assert "Give the view a name." in _text(empty)
    deleted = client.post(f"/r/trade_deal/views/{view}/delete", follow_redirects=True)
    assert "The view Nuevos was deleted." in _text(deleted) and _views(_text(deleted)) == []


def test_the_default_view_opens_a_bare_list(trade_app, client_as, make_record):
    make_record("trade_deal", name="Perdido", stage="lost")
    client = client_as("admin")
    assert client.get("/r/trade_deal/").status_code == 200
    _save(client, "Perdidos", "stage=lost&sort=name")
    view = _view(trade_app, "Perdidos").id
    page = _text(client.post(f"/r/trade_deal/views/{view}/default", data={"back": "sort=name"},
                             follow_redirects=True))
    assert "Perdidos is now your default view of Deals." in page and '<span class="badge">Default</span>' in page
    bare = client.get("/r/trade_deal/")
    assert bare.status_code == 302 and "stage=lost" in bare.headers["Location"]
    assert f"view={view}" in bare.headers["Location"]
    client.post("/r/trade_deal/views/default/clear")
    assert client.get("/r/trade_deal/").status_code == 200
    client.post(f"/r/trade_deal/views/{view}/default")
    client.post(f"/r/trade_deal/views/{view}/delete")
    assert client.get("/r/trade_deal/").status_code == 200  # deleting the view dropped the default


def test_a_custom_entity_has_saved_views(vehicle_app, client_as, make_record):
    make_record("x_vehicle", plate="1111 AAA", status="sold")
    client = client_as("admin")
    saved = client.post("/r/x_vehicle/views", data={"name": "Vendidos", "back": "status=sold", "kind": "calendar"})
    assert urlsplit(saved.headers["Location"]).path == "/r/x_vehicle/calendar"
    assert "Vendidos" in _views(_text(client.get("/r/x_vehicle/?sort=plate")))
