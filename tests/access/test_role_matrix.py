"""Every registered entity × every role × every action, through the API and the HTML pages.

The HTML side is the pages every entity has (/r/<entity>/: list, detail,
edit and new forms), which the contacts plugin's accounts and contacts use.

The entities are the app's own registry at test time (contacts, trade and
a custom entity made in the fixture), so a new entity is covered without a
new test. Each answer is compared with what the oracle (conftest.py) reads
from the role's permission rows: the status, and which records came back.
"""
from __future__ import annotations

import re

import pytest

from trato import records
from trato.entities import Entity

from .conftest import RELATIONS, ROLES, World, form_data, sample_values, title_field


def check_api(world: World, entity: Entity, wrong: list[str]) -> None:
    """List, get, create, update, delete and restore `entity`'s records over the API."""
    name, oracle, ids = entity.name, world.oracle, world.ids[entity.name]
    title = title_field(entity)

    def expect(what: str, got: int, want: int) -> bool:
        if got != want:
            wrong.append(f"API {what} on {name}: {got}, expected {want}")
        return got == want

    listed = world.api("GET", f"{name}?limit=100")
    if expect("list", listed.status_code, 200 if oracle.may(name, "view") else 403) and listed.status_code == 200:
        seen = {row["id"]: row for row in listed.json["data"]}
        wanted = {ids[r] for r in RELATIONS if oracle.sees(name, r)}
        if set(seen) & set(ids.values()) != wanted:
            wrong.append(f"API list on {name}: ids {sorted(seen)}, expected {sorted(wanted)}")
        if any(row["owner_id"] != world.me.id for key, row in seen.items() if key not in ids.values()):
            wrong.append(f"API list on {name}: lists a record made elsewhere")  # only the pages' new ones are mine

    for relation in RELATIONS:
        record_id = ids[relation]
        stored = world.system_get(name, record_id)
        got = world.api("GET", f"{name}/{record_id}")
        if expect(f"get {relation}", got.status_code, oracle.answer(name, relation, "view", 200)) \
                and got.status_code == 200 and (got.json["id"], got.json[title]) != (record_id, stored[title]):
            wrong.append(f"API get {relation} on {name}: wrong record {got.json}")

        changed = world.api("PATCH", f"{name}/{record_id}", json={title: f"{relation} edited"},
                            headers={"If-Match": f'"{stored.version}"'})
        expect(f"update {relation}", changed.status_code, oracle.answer(name, relation, "edit", 200))
        now = world.system_get(name, record_id)[title]
        if now != (f"{relation} edited" if changed.status_code == 200 else stored[title]):
            wrong.append(f"API update {relation} on {name}: the record holds {now!r}")

        deleted = world.api("DELETE", f"{name}/{record_id}")
        expect(f"delete {relation}", deleted.status_code, oracle.answer(name, relation, "delete", 204))
        if world.in_bin(name, record_id) != (deleted.status_code == 204):
            wrong.append(f"API delete {relation} on {name}: answered {deleted.status_code} but the bin disagrees")
        if deleted.status_code != 204:
            with world.app.test_request_context():
                records.delete(name, record_id, user=None)  # into the bin, to try restoring it
        restored = world.api("POST", f"{name}/{record_id}/restore")
        expect(f"restore {relation}", restored.status_code, oracle.answer(name, relation, "restore", 200))
        if world.in_bin(name, record_id) != (restored.status_code != 200):
            wrong.append(f"API restore {relation} on {name}: answered {restored.status_code} but the bin disagrees")
        if world.in_bin(name, record_id):
            with world.app.test_request_context():
                records.restore(name, record_id, user=None)  # back, to try sharing it

        listed_shares = world.api("GET", f"{name}/{record_id}/shares")
        expect(f"shares of {relation}", listed_shares.status_code, oracle.answer(name, relation, "view", 200))
        shared = world.api("POST", f"{name}/{record_id}/shares",
                           json={"user_id": world.people["bystander"].id, "access": "view"})
        if expect(f"share {relation}", shared.status_code, oracle.share_answer(name, relation)) \
                and shared.status_code == 201:
            unshared = world.api("DELETE", f"{name}/{record_id}/shares/{shared.json['id']}")
            expect(f"unshare {relation}", unshared.status_code, 204)

    created = world.api("POST", name, json=sample_values(entity, "made by me"))
    if expect("create", created.status_code, 201 if oracle.may(name, "create") else 403) \
            and created.status_code == 201 and created.json["owner_id"] != world.me.id:
        wrong.append(f"API create on {name}: owner {created.json['owner_id']}, expected {world.me.id}")


def check_pages(world: World, entity: Entity, wrong: list[str]) -> None:
    """The pages every entity has (/r/<entity>/...): list, detail, and the edit and new forms filled in and
    sent as a browser would."""
    name, oracle, ids = entity.name, world.oracle, world.ids[entity.name]
    title = title_field(entity)
    client = world.html()
    titles = {relation: world.system_get(name, ids[relation])[title] for relation in RELATIONS}
    page = client.get(f"/r/{name}/")
    if page.status_code != (200 if oracle.may(name, "view") else 403):
        wrong.append(f"page list of {name}: {page.status_code}")
    elif page.status_code == 200:
        for relation in RELATIONS:
            if (titles[relation] in page.text) != oracle.sees(name, relation):
                wrong.append(f"page list of {name}: {relation} shown={not oracle.sees(name, relation)}")
    for relation in RELATIONS:
        record_id = ids[relation]
        detail = client.get(f"/r/{name}/{record_id}")
        if detail.status_code != oracle.answer(name, relation, "view", 200):
            wrong.append(f"page of {name} {relation}: {detail.status_code}")
        elif detail.status_code == 200 and titles[relation] not in detail.text:
            wrong.append(f"page of {name} {relation}: the record is not shown")
        elif detail.status_code == 200:
            for action, ok, button in (("edit", 200, f'href="/r/{name}/{record_id}/edit"'),
                                       ("delete", 204, f'action="/r/{name}/{record_id}/delete"')):
                if (button in detail.text) != (oracle.answer(name, relation, action, ok) == ok):
                    wrong.append(f"page of {name} {relation}: {action} button shown={button in detail.text}")
            share_form = f'action="/r/{name}/{record_id}/shares"' in detail.text
            if share_form != (oracle.share_answer(name, relation) == 201):
                wrong.append(f"page of {name} {relation}: share form shown={share_form}")
        form = client.get(f"/r/{name}/{record_id}/edit")
        if form.status_code != oracle.answer(name, relation, "edit", 200):
            wrong.append(f"edit form of {name} {relation}: {form.status_code}")
        version = world.system_get(name, record_id).version
        action = f"/r/{name}/{record_id}/edit"
        sent = form_data(form.text, action, **{title: f"{relation} by form"}) if form.status_code == 200 else \
            {title: f"{relation} by form", "version": str(version)}
        saved = client.post(action, data=sent)
        if saved.status_code != oracle.answer(name, relation, "edit", 302):
            wrong.append(f"form edit of {name} {relation}: {saved.status_code}")
        now = world.system_get(name, record_id)[title]
        if now != (f"{relation} by form" if saved.status_code == 302 else titles[relation]):
            wrong.append(f"form edit of {name} {relation}: the record holds {now!r}")
    blank = client.get(f"/r/{name}/new")
    if blank.status_code != (200 if oracle.may(name, "create") else 403):
        wrong.append(f"new form of {name}: {blank.status_code}")
    filled = sample_values(entity, "new by form", defaults=True)
    made = client.post(f"/r/{name}/new", data=form_data(blank.text, f"/r/{name}/new", **filled)
                       if blank.status_code == 200
                       else filled)
    if made.status_code != (302 if oracle.may(name, "create") else 403):
        wrong.append(f"form new of {name}: {made.status_code}")
    elif made.status_code == 302:
        new_id = int(re.search(r"/(\d+)$", made.headers["Location"]).group(1))
        if world.system_get(name, new_id)["owner_id"] != world.me.id:
            wrong.append(f"form new of {name}: not owned by its maker")


@pytest.mark.parametrize("role", ROLES)
def test_every_entity_answers_every_action_as_the_role_says(build_world, role):
    world = build_world(role)
    entities = world.entities()
    assert {"contacts_account", "contacts_contact", "trade_account", "trade_deal", "x_gadget"} <= \
        {e.name for e in entities}
    wrong: list[str] = []
    for entity in entities:
        check_pages(world, entity, wrong)
        check_api(world, entity, wrong)
    assert not wrong, "\n".join(wrong)
