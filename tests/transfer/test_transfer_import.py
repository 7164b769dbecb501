"""Importing CSV files into a custom entity: mapping, modes, row errors, dry run, history, undo and resume."""
from __future__ import annotations

import csv
import threading
from pathlib import Path

import pytest
from sqlalchemy import distinct, func, select

from trato import db, records
from trato.access import PermissionRefused
from trato.models import Job
from trato.records.audit import AuditEntry
from trato.transfer import imports
from trato.transfer.errors import TransferError
from trato.transfer.mapping import map_columns
from trato.transfer.models import Import, ImportMapping, ImportRecord
from trato.transfer.undo import undo


def run(data: str | bytes, user, **options) -> Import:
    raw = data.encode() if isinstance(data, str) else data
    return imports.run(imports.start(raw, "people.csv", "x_contact", user=user, **options).id)


def contacts(user) -> dict[str, dict]:
    return {r["name"]: r for r in records.query("x_contact", user=user).order_by("id").page(limit=500).items}


def error_rows(imp: Import) -> list[list[str]]:
    with open(imp.error_path, encoding="utf-8-sig", newline="") as f:
        return list(csv.reader(f, delimiter=imports.open_csv(imp.error_path).delimiter))


def test_columns_match_spanish_labels_whatever_the_case_and_accents(ctx, admin, companies):
    data = ("NOMBRE;correo electronico;Empresa;Fecha de nacimiento;Puntuación;Presupuesto;Etapa;Canales\n"
            'Iñaki;inaki@example.com;Acme;03/04/1990;7,5;1.234,56;Cliente;"Web; Teléfono"\n').encode("cp1252")
    imp = run(data, admin, encoding="windows-1252")
    assert (imp.status, imp.created, imp.failed, imp.total) == ("done", 1, 0, 1)
    inaki = contacts(admin)["Iñaki"]
    assert inaki["email"] == "inaki@example.com" and inaki["company"] == companies[0]
    assert (str(inaki["birthday"]), str(inaki["score"]), str(inaki["budget"])) == ("1990-04-03", "7.50", "1234.56 EUR")
    assert (inaki["stage"], inaki["channels"]) == ("client", ["web", "phone"])


def test_the_mapping_is_overridable_and_remembered_for_the_next_import(ctx, admin):
    first = run("Who,Mail,Ignored\nAna,ana@example.com,x\n", admin, overrides={"Who": "Name", "Mail": "email"})
    assert first.mapping == {"Who": "name", "Mail": "email"}
    stored = db.session().get(ImportMapping, (admin.id, "x_contact")).mapping
    assert stored == {"who": "name", "mail": "email", "ignored": ""}
    assert map_columns(ctx.extensions["trato"].entities.get("x_contact"), ["WHO", "mail"], admin, "create") == {
        "WHO": "name", "mail": "email"}


def test_a_missing_required_column_is_refused_before_any_row_is_read(ctx, admin):
    with pytest.raises(TransferError, match="Missing required column: “Name”"):
        imports.start(b"Email\nana@example.com\n", "people.csv", "x_contact", user=admin)
    assert db.session().scalars(select(Import)).all() == [] and contacts(admin) == {}


def test_a_file_without_a_header_row_is_refused(ctx, admin):
    with pytest.raises(TransferError, match="No column of the file matches"):
        imports.start(b"Ana,ana@example.com\nEva,eva@example.com\n", "people.csv", "x_contact", user=admin)


def test_good_rows_are_saved_and_bad_ones_reported_with_row_column_and_reason(ctx, admin, companies):
    data = ("Name,Email,Birthday,Company,Seats\n"
            "Ana,ana@example.com,1990-04-03,Acme,2\n"
            "Bea,bea@example.com,31/02/1990,,\n"
            "Carla,carla@example.com,,Initech,\n"
            "Dani,dani@example.com,,Globex,\n"
            "Eva,not-an-email,,,two\n"
            "Fran,fran@example.com,2001-12-24,#%d,\n" % companies[1])
    imp = run(data, admin)
    assert (imp.status, imp.created, imp.failed) == ("done", 2, 4)
    assert set(contacts(admin)) == {"Ana", "Fran"} and contacts(admin)["Fran"]["company"] == companies[1]
    written = error_rows(imp)
    assert written[0] == ["Name", "Email", "Birthday", "Company", "Seats", "Error"]
    assert [r[:5] for r in written[1:]] == [line.split(",") for line in data.splitlines()[2:6]]
    reasons = [r[-1] for r in written[1:]]
    assert reasons[0] == "Row 3, column “Birthday”: Enter a date as YYYY-MM-DD or DD/MM/YYYY."
    assert reasons[1] == "Row 4, column “Company”: No Company matches “Initech”."
    assert reasons[2].startswith("Row 5, column “Company”: 2 Company records match “Globex”")
    assert "Row 6, column “Seats”: Enter a whole number." in reasons[3]


def test_errors_found_by_the_record_service_name_their_column_too(ctx, admin):
    make = records.create("x_contact", {"name": "Old", "email": "taken@example.com"}, user=admin)
    imp = run("Name,Email,Web site\nAna,taken@example.com,\nBea,bea@example.com,ftp://x\nCarla,,\n", admin)
    assert (imp.created, imp.failed) == (1, 2) and make.id
    reasons = [r[-1] for r in error_rows(imp)[1:]]
    assert reasons[0].startswith("Row 2, column “Email”: Another record")
    assert reasons[1].startswith("Row 3, column “Web site”: Enter a web address")


def test_dry_run_validates_everything_and_writes_nothing(ctx, admin):
    imp = run("Name,Email,Birthday\nAna,ana@example.com,\nBea,bea@example.com,someday\n", admin, dry_run=True)
    assert (imp.status, imp.dry_run, imp.created, imp.failed) == ("done", True, 1, 1)
    assert "Row 3, column “Birthday”" in error_rows(imp)[1][-1]
    assert contacts(admin) == {}
    with pytest.raises(TransferError, match="nothing to undo"):
        undo(imp.id, user=admin)


def test_preview_shows_the_first_rows_validated_and_writes_nothing(ctx, admin):
    shown = imports.preview(b"Name,Seats\nAna,1\nBea,x\nCarla,3\n", "x_contact", user=admin, limit=2)
    assert shown.mapping == {"Name": "name", "Seats": "seats"}
    assert [(r.number, r.values.get("seats"), [str(e) for e in r.errors]) for r in shown.rows] == [
        (2, 1, []), (3, None, ["Row 3, column “Seats”: Enter a whole number."])]
    assert contacts(admin) == {}


def test_upsert_by_email_updates_who_is_there_and_creates_the_rest(ctx, admin):
    ana = records.create("x_contact", {"name": "Ana", "email": "ana@example.com", "seats": 1}, user=admin)
    imp = run("Name,Email,Seats\nAna María,ANA@example.com,5\nBea,bea@example.com,2\n", admin, mode="upsert",
              key="email")
    assert (imp.created, imp.updated, imp.failed) == (1, 1, 0)
    now = contacts(admin)
    assert set(now) == {"Ana María", "Bea"} and now["Ana María"].id == ana.id and now["Ana María"]["seats"] == 5


def test_update_by_id_reports_rows_whose_record_is_not_there(ctx, admin):
    ana = records.create("x_contact", {"name": "Ana", "seats": 1}, user=admin)
    imp = run(f"ID,Seats\n{ana.id},9\n999,1\n", admin, mode="update")
    assert (imp.key, imp.updated, imp.failed) == ("id", 1, 1)
    assert error_rows(imp)[1][-1] == "Row 3, column “ID”: No record has this ID."
    assert records.get("x_contact", ana.id, user=admin)["seats"] == 9


def test_undo_restores_the_state_before_the_import(ctx, admin, make_user, companies):
    manager = make_user(role="sales_manager")
    ana = records.create("x_contact", {"name": "Ana", "email": "ana@example.com", "seats": 1,
                                       "budget": {"amount": "10", "currency": "EUR"},
                                       "birthday": "1990-01-02", "company": companies[0], "labels": ["a"]},
                         user=admin)
    eva = records.create("x_contact", {"name": "Eva", "email": "eva@example.com", "seats": 1}, user=admin)
    imp = run("Name,Email,Seats,Budget,Birthday,Company,Labels\n"
              "Ana,ana@example.com,5,20 USD,,#%d,b\n"
              "Eva,eva@example.com,6,,,,\n"
              "Bea,bea@example.com,2,,,,\n" % companies[1], admin, mode="upsert", key="email")
    assert (imp.created, imp.updated) == (1, 2)
    assert contacts(admin)["Ana"]["budget"] != ana["budget"]
    records.update("x_contact", eva.id, {"seats": 7}, user=admin, version=None)  # changed since: left alone
    with pytest.raises(PermissionRefused):
        undo(imp.id, user=manager)
    report = undo(imp.id, user=admin)
    assert report.reverted == 2 and len(report.refused) == 1 and f"#{eva.id}" in report.refused[0]
    now = contacts(admin)
    assert set(now) == {"Ana", "Eva"} and now["Eva"]["seats"] == 7
    assert {k: v for k, v in now["Ana"].items() if k not in ("version", "updated_at")} == {
        k: v for k, v in ana.items() if k not in ("version", "updated_at")}
    assert [r["name"] for r in records.query("x_contact", user=admin, deleted=True).page().items] == ["Bea"]
    assert db.session().get(Import, imp.id).status == "undone"
    with pytest.raises(TransferError, match="undone already"):
        undo(imp.id, user=admin)


def test_an_interrupted_import_resumes_from_the_first_batch_not_committed(make_app, make_user, monkeypatch):
    from trato_trade import plugin as trade_plugin

    app = make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})
    admin = make_user(admin=True, app=app)
    monkeypatch.setattr(imports, "BATCH", 2)
    with app.app_context():
        imp = imports.start(b"Name,Stage\nd1,New\nd2,Won\nd3,Lost\nboom,New\nd5,New\n", "deals.csv", "trade_deal",
                            user=admin)
        with pytest.raises(RuntimeError, match="after_save failed"):  # the sample plugin fails on "boom"
            imports.run(imp.id)
        stopped = db.session().get(Import, imp.id)
        assert (stopped.status, stopped.rows_done, stopped.created) == ("failed", 2, 2)
        names = lambda: sorted(r["name"] for r in records.query("trade_deal", user=admin).page().items)  # noqa: E731
        assert names() == ["d1", "d2"]
        kept = Path(stopped.file_path)
        kept.write_bytes(kept.read_bytes().replace(b"boom", b"d4"))
        done = imports.run(imp.id)
        assert (done.status, done.rows_done, done.created) == ("done", 5, 5)
        assert names() == ["d1", "d2", "d3", "d4", "d5"]
        assert undo(imp.id, user=admin).reverted == 5 and names() == []


def test_running_a_finished_import_again_changes_nothing_and_an_undone_one_refuses(ctx, admin):
    imp = run("Name\nAna\nBea\n", admin)
    again = imports.run(imp.id)
    assert (again.status, again.created, again.rows_done) == ("done", 2, 2)
    assert sorted(contacts(admin)) == ["Ana", "Bea"]
    undo(imp.id, user=admin)
    with pytest.raises(TransferError, match=f"Import {imp.id} was undone; it cannot run again."):
        imports.run(imp.id)
    assert contacts(admin) == {}


def test_two_runs_of_one_import_at_once_save_each_batch_once(ctx, admin, monkeypatch):
    """A resume while the first run was only slow: both go at it in threads of their own on the same database."""
    monkeypatch.setattr(imports, "BATCH", 50)
    rows = 2000
    imp = imports.start(("Name\n" + "".join(f"P{n:05d}\n" for n in range(rows))).encode(), "many.csv", "x_contact",
                        user=admin)
    db.session().commit()
    start, ended, failures = threading.Barrier(2), [], []

    def resume() -> None:
        with ctx.app_context():
            start.wait()
            try:
                ended.append(imports.run(imp.id).status)
            except Exception as exc:  # noqa: BLE001  (reported below)
                failures.append(exc)

    threads = [threading.Thread(target=resume) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    db.session().expire_all()
    done = db.session().get(Import, imp.id)
    assert (done.status, done.created, done.rows_done) == ("done", rows, rows)
    table = ctx.extensions["trato"].entities.get("x_contact").table
    assert db.session().execute(select(func.count(), func.count(distinct(table.c.name)))).one() == (rows, rows)
    links = db.session().scalars(select(ImportRecord.record_id).where(ImportRecord.import_id == imp.id)).all()
    assert len(links) == rows


def test_the_import_runs_as_a_job_with_its_progress(ctx, admin):
    imp = imports.start(b"Name\nAna\nBea\n", "people.csv", "x_contact", user=admin)
    job_id = imports.submit(imp)
    db.session().expire_all()  # the job ran in its own session: read afresh what it committed
    job = db.session().get(Job, job_id)
    assert (job.status, job.progress, job.total, job.result["created"]) == ("done", 2, 2, 2)
    done = db.session().get(Import, imp.id)
    assert (done.status, done.job_id) == ("done", job_id) and set(contacts(admin)) == {"Ana", "Bea"}


def test_a_role_without_the_import_permission_is_refused(ctx, make_user):
    rep, manager = make_user(role="sales_rep"), make_user(role="sales_manager")
    with pytest.raises(PermissionRefused, match="does not allow you to import"):
        imports.start(b"Name\nAna\n", "people.csv", "x_contact", user=rep)
    assert run("Name\nAna\n", manager).created == 1


def test_row_errors_are_written_in_the_users_language(ctx, make_user):
    manager = make_user(role="sales_manager", locale="es")
    imp = run("Nombre,Fecha de nacimiento,Empresa\nAna,2020-13-45,\nBea,,Nadie\n", manager)
    reasons = [r[-1] for r in error_rows(imp)[1:]]
    assert reasons[0] == "Fila 2, columna «Fecha de nacimiento»: Introduzca una fecha con el formato AAAA-MM-DD."
    assert reasons[1].startswith("Fila 3, columna «Empresa»: Ningún registro de ")
    assert reasons[1].endswith(" coincide con «Nadie».")


def test_an_update_key_that_several_records_share_is_a_row_error(ctx, admin):
    for name in ("Ana", "Ana"):
        records.create("x_contact", {"name": name}, user=admin)
    imp = run("Name,Seats\nAna,3\n", admin, mode="update", key="Nombre")
    assert (imp.key, imp.updated, imp.failed) == ("name", 0, 1)
    assert error_rows(imp)[1][-1] == "Row 2, column “Name”: 2 records have this Name."


def test_each_batch_saves_its_good_rows_with_their_history_and_undo_links(ctx, admin, monkeypatch):
    """Batches of many rows: records in file order, one audit row and one undo link each, bad rows named."""
    monkeypatch.setattr(imports, "BATCH", 4)
    records.create("x_contact", {"name": "Old", "email": "taken@example.com"}, user=admin)
    lines = [f"P{n},p{n}@example.com,1990-01-{n + 1:02d}" for n in range(10)]
    lines[2] = "Bad email,nope,"
    lines[5] = "Taken,taken@example.com,"
    lines[9] = "Bad day,bad@example.com,31/02/1990"
    imp = run("Name,Email,Birthday\n" + "\n".join(lines) + "\n", admin)
    assert (imp.status, imp.created, imp.failed) == ("done", 7, 3)
    reasons = [r[-1] for r in error_rows(imp)[1:]]
    assert [r.split(":")[0] for r in reasons] == ["Row 4, column “Email”", "Row 7, column “Email”",
                                                 "Row 11, column “Birthday”"]
    made = [r for r in contacts(admin).values() if r["name"] != "Old"]
    assert [r["name"] for r in made] == [f"P{n}" for n in (0, 1, 3, 4, 6, 7, 8)]
    links = db.session().execute(select(ImportRecord.record_id, ImportRecord.action, ImportRecord.version)
                                 .where(ImportRecord.import_id == imp.id, ImportRecord.__table__.c.previous.is_(None))
                                 .order_by(ImportRecord.record_id)).all()
    assert links == [(r.id, "created", 1) for r in made]
    audit = db.session().execute(select(AuditEntry.record_id, AuditEntry.action, AuditEntry.changes).where(
        AuditEntry.entity == "x_contact", AuditEntry.record_id.in_([r.id for r in made])).order_by(AuditEntry.record_id)
    ).all()
    assert audit == [(r.id, "create", {"name": [None, r["name"]], "email": [None, r["email"]],
                                       "birthday": [None, str(r["birthday"])], "owner_id": [None, admin.id]})
                     for r in made]
    assert undo(imp.id, user=admin).reverted == 7 and set(contacts(admin)) == {"Old"}


def test_a_record_updated_by_two_batches_is_undone_to_its_state_before_the_first(ctx, admin, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 1)
    ana = records.create("x_contact", {"name": "Ana", "email": "ana@example.com", "seats": 1}, user=admin)
    imp = run("Email,Seats\nana@example.com,2\nana@example.com,3\n", admin, mode="update", key="email")
    assert (imp.updated, imp.failed) == (2, 0) and contacts(admin)["Ana"]["seats"] == 3
    link = db.session().scalars(select(ImportRecord).where(ImportRecord.import_id == imp.id)).one()
    assert (link.record_id, link.version, link.previous) == (ana.id, 3, {"seats": 1})
    assert undo(imp.id, user=admin).reverted == 1 and contacts(admin)["Ana"]["seats"] == 1
