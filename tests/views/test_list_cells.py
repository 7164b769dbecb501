"""The list's cells: links to records, names of related records and users, the in-place edit buttons and the
row checkboxes, in English and Spanish; and a page whose statements do not grow with its rows."""
from __future__ import annotations

import re

from sqlalchemy import event

from trato import db, engine
from trato.models import User


def _text(response) -> str:
    return response.get_data(as_text=True)


def _cell(page: str, record_id: int, field: str) -> str:
    return re.search(rf'<td class="[^"]*" id="cell-{record_id}-{field}"[^>]*>(.*?)</td>', page, re.S).group(1)


def test_cells_link_name_and_offer_their_edit_buttons(trade_app, client_as, make_record, make_user):
    account = make_record("trade_account", name="Acme")
    gone = make_user(name="Bea Baja")
    deal = make_record("trade_deal", name="Renting", stage="new", account_id=account.id, assignee_id=gone.id)
    with trade_app.app_context():  # someone who left still has her name on what she was given
        db.session().get(User, gone.id).active = False
        db.session().commit()
    page = _text(client_as("admin").get("/r/trade_deal/?cols=name,account_id,assignee_id,stage"))
    name = _cell(page, deal.id, "name")
    assert f'<a href="/r/trade_deal/{deal.id}">Renting</a>' in name
    assert f'hx-get="/r/trade_deal/{deal.id}/cell/name?first=1"' in name and 'aria-label="Edit Name of Renting"' in name
    assert f'<a href="/r/trade_account/{account.id}">Acme</a>' in _cell(page, deal.id, "account_id")
    assignee = _cell(page, deal.id, "assignee_id")
    assert "Bea Baja" in assignee and f'hx-get="/r/trade_deal/{deal.id}/cell/assignee_id"' in assignee
    assert "New" in _cell(page, deal.id, "stage") and 'title="Edit"' in _cell(page, deal.id, "stage")
    assert f'name="ids" value="{deal.id}" form="mass-actions" aria-label="Select Renting"' in page


def test_a_cell_given_back_by_the_inline_editor_is_the_lists_cell(trade_app, client_as, make_record):
    deal = make_record("trade_deal", name="Renting", stage="new")
    client = client_as("admin")
    page = _text(client.get("/r/trade_deal/?cols=name,stage"))
    for field, first in (("name", "&first=1"), ("stage", "")):
        given = _text(client.get(f"/r/trade_deal/{deal.id}/cell/{field}?show=1{first}"))
        assert given.split() == _cell(page, deal.id, field).split()


def test_cells_speak_spanish(trade_app, client_as, make_record, make_user):
    deal = make_record("trade_deal", name="Renting", stage="new")
    page = _text(client_as(make_user(admin=True, locale="es")).get("/r/trade_deal/?cols=name,stage"))
    assert 'aria-label="Seleccionar Renting"' in page and 'title="Editar"' in page
    assert re.search(r'aria-label="Editar [^"]+ de Renting"', _cell(page, deal.id, "stage"))


def test_the_page_sends_as_many_statements_for_twenty_rows_as_for_two(trade_app, client_as, make_record, make_user):
    client = client_as("admin")
    page = "/r/trade_deal/?cols=name,account_id,assignee_id,owner_id"

    def statements() -> int:
        """What the page sends once the new users and roles are known (the first request reads them)."""
        assert client.get(page).status_code == 200
        sent: list[str] = []
        listen = lambda *args: sent.append(args[2])  # noqa: E731 - (conn, cursor, statement, ...)
        with trade_app.app_context():
            target = engine()
        event.listen(target, "before_cursor_execute", listen)
        try:
            assert client.get(page).status_code == 200
        finally:
            event.remove(target, "before_cursor_execute", listen)
        return len(sent)

    def deals(count: int) -> None:
        for n in range(count):
            account = make_record("trade_account", name=f"Cuenta {n}")
            make_record("trade_deal", name=f"Trato {n}", stage="new", account_id=account.id,
                        assignee_id=make_user(name=f"Persona {n}").id)

    deals(2)
    few = statements()
    deals(18)
    assert statements() == few
