"""`trato.extras`, the public API for what hangs on any record: the user's scope, field rules and blocks apply."""
from __future__ import annotations

import io
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from trato import PermissionRefused, RecordNotFound, extras, privacy, records
from trato.roles import Role, RoleFieldRule


@pytest.fixture
def rep(trade_app, make_user):
    """A sales rep (own records only) from whom the accounts' city is hidden."""
    with trade_app.extensions["trato"].sessionmaker() as session:
        role_id = session.scalar(select(Role.id).where(Role.name == "sales_rep"))
        session.add(RoleFieldRule(role_id=role_id, entity="trade_account", field="city", rule="hidden"))
        session.commit()
    return make_user("rep@example.com", name="Rita")


def test_notes_activities_files_tags_and_followers_are_read_and_written(trade_app, ana, bruno, account):
    due = datetime(2030, 5, 6, 9, 30, tzinfo=timezone.utc)
    with trade_app.test_request_context():
        note = extras.add_note("trade_account", account.id, "Called.\n\nThey want a quote.", ana)
        assert note.body == "<p>Called.</p><p>They want a quote.</p>" and note.author_id == ana.id
        call = extras.add_activity("trade_account", account.id, ana, kind="call", subject="  Send   the quote ",
                                   due_at=due, reminder_minutes=30, assignee_id=bruno.id)
        assert (call.subject, call.assignee_id, call.created_by, call.due_at) == ("Send the quote", bruno.id,
                                                                                  ana.id, due)
        extras.attach("trade_account", account.id, "quote.txt", io.BytesIO(b"12 chairs"), ana)
        assert extras.add_tag("trade_account", account.id, "  Key   Account ", ana) == "key account"
        extras.add_tag("trade_account", account.id, "vip", ana)
        extras.remove_tag("trade_account", account.id, "VIP", ana)
        extras.follow("trade_account", account.id, bruno)
        assert [n.body for n in extras.notes("trade_account", account.id, bruno)] == [note.body]
        assert [a.subject for a in extras.activities("trade_account", account.id, bruno)] == ["Send the quote"]
        [file] = extras.attachments("trade_account", account.id, bruno)
        assert (file.file_name, file.size, file.uploader_id) == ("quote.txt", 9, ana.id)
        assert extras.tags("trade_account", account.id, bruno) == ["key account"]
        assert extras.followers("trade_account", account.id, ana) == [bruno.id]
        extras.unfollow("trade_account", account.id, bruno)
        assert extras.followers("trade_account", account.id, ana) == []


def test_bad_input_names_the_field(trade_app, ana, account):
    with trade_app.test_request_context():
        for call, field in [
            (lambda: extras.add_note("trade_account", account.id, "<p> </p>", ana), "body"),
            (lambda: extras.add_activity("trade_account", account.id, ana, kind="lunch", subject="x"), "kind"),
            (lambda: extras.add_activity("trade_account", account.id, ana, kind="task", subject=""), "subject"),
            (lambda: extras.add_activity("trade_account", account.id, ana, kind="task", subject="x",
                                         reminder_minutes=10), "reminder_minutes"),
            (lambda: extras.add_activity("trade_account", account.id, ana, kind="task", subject="x",
                                         due_at=datetime(2030, 1, 1)), "due_at"),
            (lambda: extras.add_activity("trade_account", account.id, ana, kind="task", subject="x",
                                         assignee_id=987654), "assignee_id"),
            (lambda: extras.add_tag("trade_account", account.id, " ", ana), "tag"),
        ]:
            with pytest.raises(extras.ExtraRefused) as refused:
                call()
            assert refused.value.field == field
        assert extras.notes("trade_account", account.id, ana) == []
        assert extras.activities("trade_account", account.id, ana) == []


def test_a_record_out_of_scope_is_not_found_and_tags_need_the_edit_permission(trade_app, make_record, make_user,
                                                                             ana, rep, account):
    read_only = make_user("reader@example.com", role="read_only")
    with trade_app.test_request_context():
        extras.add_note("trade_account", account.id, "Private", ana)
        for read in (extras.notes, extras.activities, extras.attachments, extras.tags, extras.followers,
                     extras.history):
            with pytest.raises(RecordNotFound):
                read("trade_account", account.id, rep)
        with pytest.raises(RecordNotFound):
            extras.add_note("trade_account", account.id, "Sneaky", rep)
        with pytest.raises(RecordNotFound):
            extras.follow("trade_account", account.id, rep)
        assert [n.body for n in extras.notes("trade_account", account.id, read_only)] == ["<p>Private</p>"]
        with pytest.raises(PermissionRefused):
            extras.add_tag("trade_account", account.id, "mine", read_only)
        assert extras.tags("trade_account", account.id, ana) == []


def test_the_history_leaves_out_hidden_fields(trade_app, make_record, ana, rep):
    own = make_record("trade_account", owner=rep, name="Rita's shop")
    with trade_app.test_request_context():
        records.update("trade_account", own.id, {"city": "Cádiz"}, user=ana, version=None)
        records.update("trade_account", own.id, {"name": "Rita's store"}, user=ana, version=None)
        seen = extras.history("trade_account", own.id, rep)
        assert [e.action for e in seen] == ["create", "update"]
        assert "city" not in seen[0].changes
        assert seen[1].changes["name"] == ("Rita's shop", "Rita's store") and seen[1].user_id == ana.id
        full = extras.history("trade_account", own.id, ana)
        assert [e.action for e in full] == ["create", "update", "update"]
        assert full[1].changes["city"] == (None, "Cádiz")


def test_nothing_hanging_on_a_blocked_record_changes(trade_app, ana, account):
    with trade_app.test_request_context():
        privacy.block("trade_account", account.id, user=ana, reason="A legal claim")
        for change in (lambda: extras.add_note("trade_account", account.id, "x", ana),
                       lambda: extras.add_activity("trade_account", account.id, ana, kind="task", subject="x"),
                       lambda: extras.add_tag("trade_account", account.id, "x", ana),
                       lambda: extras.attach("trade_account", account.id, "a.txt", io.BytesIO(b"a"), ana)):
            with pytest.raises(PermissionRefused):
                change()
        assert extras.notes("trade_account", account.id, ana) == []


def test_move_and_copy_tags_take_what_hangs_on_one_record_to_another(trade_app, make_record, ana, bruno, account):
    other = make_record("trade_account", owner=ana, name="Acme (copy)")
    with trade_app.test_request_context():
        extras.add_note("trade_account", other.id, "From the copy", ana)
        extras.add_activity("trade_account", other.id, ana, kind="task", subject="Visit",
                            due_at=datetime.now(timezone.utc) + timedelta(days=1))
        for tag in ("vip", "north"):
            extras.add_tag("trade_account", other.id, tag, ana)
        extras.add_tag("trade_account", account.id, "vip", ana)
        extras.follow("trade_account", other.id, bruno)
        extras.follow("trade_account", account.id, bruno)
        with records.atomic():
            moved = extras.move("trade_account", other.id, "trade_account", account.id, ana, tags=False)
            copied = extras.copy_tags("trade_account", other.id, "trade_account", account.id, ana)
        assert moved == {"notes": 1, "activities": 1}
        assert copied == 1
        assert extras.tags("trade_account", account.id, ana) == ["north", "vip"]
        assert extras.tags("trade_account", other.id, ana) == ["north", "vip"]
        assert extras.followers("trade_account", account.id, ana) == [bruno.id]
        assert [n.body for n in extras.notes("trade_account", account.id, ana)] == ["<p>From the copy</p>"]
        # The target has the source's tags and follower already: the source's copies go, none is doubled.
        assert extras.move("trade_account", other.id, "trade_account", account.id, ana) == {}
        assert extras.tags("trade_account", other.id, ana) == [] and extras.followers("trade_account", other.id,
                                                                                      ana) == []
        assert extras.tags("trade_account", account.id, ana) == ["north", "vip"]
        assert extras.followers("trade_account", account.id, ana) == [bruno.id]


def test_add_notes_writes_many_in_one_transaction_and_refuses_all_for_one_unseen(trade_app, make_record, ana,
                                                                                  bruno, rep):
    own = [make_record("trade_account", owner=rep, name=f"Shop {i}") for i in range(3)]
    theirs = make_record("trade_account", owner=bruno, name="Not Rita's")
    with trade_app.test_request_context():
        assert extras.add_notes("trade_account", {own[0].id: "One", own[1].id: " ", own[2].id: "Three"}, rep) == 2
        with pytest.raises(RecordNotFound):
            extras.add_notes("trade_account", {own[0].id: "Again", theirs.id: "Not mine"}, rep)
        assert [n.body for n in extras.notes("trade_account", own[0].id, rep)] == ["<p>One</p>"]
        assert extras.notes("trade_account", own[1].id, rep) == []


def test_notes_activities_and_files_are_changed_or_deleted_by_their_author_or_an_administrator(
        trade_app, make_user, ana, account):
    writer = make_user("writer@example.com", role="read_only", name="Wanda")
    with trade_app.test_request_context():
        note = extras.add_note("trade_account", account.id, "First draft", writer)
        task = extras.add_activity("trade_account", account.id, writer, kind="task", subject="Call back")
        file = extras.attach("trade_account", account.id, "a.txt", io.BytesIO(b"abc"), writer)
        assert extras.edit_note("trade_account", account.id, note.id, "Second draft", writer).body == \
            "<p>Second draft</p>"
        assert extras.set_done("trade_account", account.id, task.id, True, writer).done_at is not None
        other = make_user("other@example.com", role="read_only", name="Otto")
        for change in (lambda: extras.edit_note("trade_account", account.id, note.id, "Mine now", other),
                       lambda: extras.delete_note("trade_account", account.id, note.id, other),
                       lambda: extras.delete_activity("trade_account", account.id, task.id, other),
                       lambda: extras.delete_attachment("trade_account", account.id, file.id, other)):
            with pytest.raises(PermissionRefused):
                change()
        with pytest.raises(RecordNotFound):
            extras.delete_note("trade_account", account.id, note.id + 100, ana)
        extras.delete_note("trade_account", account.id, note.id, ana)  # an administrator may
        extras.delete_activity("trade_account", account.id, task.id, writer)
        extras.delete_attachment("trade_account", account.id, file.id, writer)
        assert (extras.notes("trade_account", account.id, ana), extras.activities("trade_account", account.id, ana),
                extras.attachments("trade_account", account.id, ana)) == ([], [], [])
