"""Indexes for what users filter on: slow filters noted, the index made by the background task, used by the
plan, dropped and brought back by an admin, and kept in line when a field goes (trato.filter_indexes)."""
from __future__ import annotations

import pytest
from sqlalchemy import select, text
from trato_trade import plugin as trade_plugin

from trato import db, engine, records
from trato.filter_indexes.build import set_kept
from trato.filter_indexes.keep import present_indexes, sync
from trato.filter_indexes.models import FilterIndex, SlowFilter
from trato.records.count import Explain


@pytest.fixture
def app(make_app):
    """Every filtered list counts as slow (slow_filter_ms=0), and two slow runs earn an index."""
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin}, slow_filter_ms=0,
                    filter_index_after=2)


@pytest.fixture
def accounts(app):
    with app.app_context():
        records.bulk_create("trade_account", [
            {"name": f"Cuenta {i}", "email": f"{'ab' if i % 3 else 'zz'}{i}@example.com", "employees": i}
            for i in range(30)], user=None)


def _indexes(table: str = "trade_account") -> set[str]:
    return present_indexes(db.session().connection(), table)


def _plan(statement_sql: str) -> str:
    session = db.session()
    if engine().dialect.name == "postgresql":
        session.execute(text("SET LOCAL enable_seqscan = off"))
        return str(session.execute(text(f"EXPLAIN {statement_sql}")).all())
    return str(session.execute(text(f"EXPLAIN QUERY PLAN {statement_sql}")).all())


def test_a_slow_filter_earns_its_index_and_the_plan_uses_it(app, accounts, client_as):
    client = client_as("admin")
    for _ in range(2):
        page = client.get("/r/trade_account/?employees__gte=20&sort=name").get_data(as_text=True)
        assert "10 records" in page
    with app.app_context():
        noted = db.session().get(SlowFilter, ("trade_account", "employees", "gte"))
        assert noted is not None and noted.runs == 2
        made = db.session().get(FilterIndex, ("trade_account", "employees", "btree"))
        assert (made.state, made.name) == ("built", "ix_trade_account_employees_btree_filter")
        assert "gte: 2 slow lists" in made.reason
        assert made.name in _indexes()
        assert made.name in _plan("SELECT id FROM trade_account WHERE employees >= 20")
        # The list's count is now served by the index: exact, even past a small threshold's table size.
        query = records.query("trade_account", user=None).where({"employees__gte": "20"})
        assert query.count(threshold=15) == records.Count(10, "exact")


def test_text_filters_get_the_index_their_operator_needs(app, accounts, client_as):
    client = client_as("admin")
    postgresql = False
    for _ in range(2):
        assert "20 records" in client.get("/r/trade_account/?email__startswith=AB").get_data(as_text=True)
        client.get("/r/trade_account/?email__contains=b1")
    with app.app_context():
        postgresql = engine().dialect.name == "postgresql"
        rows = {(r.field, r.kind): r for r in db.session().scalars(select(FilterIndex))}
        if postgresql:  # one trigram index serves both
            assert set(rows) == {("email", "contains")} and rows["email", "contains"].state == "built"
            name = rows["email", "contains"].name
            assert name in _plan("SELECT id FROM trade_account WHERE email ILIKE 'ab%'")
            assert name in _plan("SELECT id FROM trade_account WHERE email ILIKE '%b1%'")
        else:
            assert rows["email", "prefix"].state == "built"
            assert rows["email", "contains"].state == "unsupported"  # nothing serves LIKE '%b1%' on SQLite
            query = records.query("trade_account", user=None).where({"email__startswith": "AB"})
            compiled = query.statement().with_only_columns(query.entity.table.c.id)
            plan = str(db.session().execute(Explain(compiled)).all())
            assert rows["email", "prefix"].name in plan
            assert len(query.page(limit=50).items) == 20


def test_an_admin_drops_an_index_for_good_and_brings_it_back(app, accounts, client_as):
    client = client_as("admin")
    for _ in range(3):
        client.get("/r/trade_account/?employees__lt=5")
    with app.app_context():
        name = "ix_trade_account_employees_btree_filter"
        assert set_kept("trade_account", "employees", "btree", kept=False) == "dropped"
        db.session().rollback()
        assert name not in _indexes()
    for _ in range(3):  # slow again: not made again behind the admin's back
        client.get("/r/trade_account/?employees__lt=5")
    with app.app_context():
        assert name not in _indexes()
        db.session().rollback()  # the build waits for open transactions on PostgreSQL (CONCURRENTLY)
        assert set_kept("trade_account", "employees", "btree", kept=True) == "queued"
        assert db.session().get(FilterIndex, ("trade_account", "employees", "btree")).state == "built"
        assert name in _indexes()


def test_a_removed_field_takes_its_filter_index_and_row_along(app, client_as, make_user):
    from trato.schema import FieldSpec, add_field, delete_field

    admin = make_user(admin=True)
    with app.app_context():
        add_field("trade_account", FieldSpec("region", "text", {"en": "Region", "es": "Región"}), user=admin)
        records.bulk_create("trade_account", [{"name": f"R{i}", "cf_region": f"Norte {i}"} for i in range(5)],
                            user=None)
    client = client_as("admin")
    for _ in range(2):
        assert "5 records" in client.get("/r/trade_account/?region__startswith=nor").get_data(as_text=True)
    with app.app_context():
        rows = db.session().scalars(select(FilterIndex)).all()
        assert [(r.field, r.state) for r in rows] == [("cf_region", "built")]
        delete_field("trade_account", "cf_region", user=admin)
        state = app.extensions["trato"]
        with state.engine.begin() as conn:
            sync(conn, state.entities.all())
        db.session().rollback()
        assert rows[0].name not in _indexes()
        assert db.session().scalars(select(FilterIndex)).all() == []


def test_the_admin_page_says_what_was_indexed_and_why_and_its_switch_drops_it(app, accounts, client_as):
    client = client_as("admin")
    for _ in range(2):
        client.get("/r/trade_account/?employees__gte=20")
    english = client.get("/admin/filter-indexes").get_data(as_text=True)
    assert 'data-index="ix_trade_account_employees_btree_filter" data-state="built"' in english
    assert "Employees" in english and "equal, range and sort" in english and "in use" in english
    assert "“is at least”: 2 slow lists" in english
    spanish = client.get("/admin/filter-indexes", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Índices de filtros" in spanish and "en uso" in spanish and "«es como mínimo»: 2 listas lentas" in spanish
    answer = client.post("/admin/filter-indexes/trade_account/employees/btree", data={"keep": "0"})
    assert answer.status_code == 302
    after = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'data-state="dropped"' in after and "dropped and will not be made again" in after
    with app.app_context():
        assert "ix_trade_account_employees_btree_filter" not in _indexes()
    assert client.post("/admin/filter-indexes/trade_account/nothing/btree", data={"keep": "1"}).status_code == 404
    assert client_as("user").get("/admin/filter-indexes").status_code in (302, 403)


def test_slow_runs_noted_at_once_by_many_threads_count_each_and_queue_one_build(app, accounts):
    from concurrent.futures import ThreadPoolExecutor

    from trato.filter_indexes.watch import observe
    from trato.models import Job

    def note(_: int) -> None:
        with app.app_context():
            observe(records.query("trade_account", user=None).entity, [("employees", "lte")], 999.0)

    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(note, range(8)))
    with app.app_context():
        assert db.session().get(SlowFilter, ("trade_account", "employees", "lte")).runs == 8
        builds = db.session().scalars(select(Job).where(Job.task == "core.build_filter_index")).all()
        assert len(builds) == 1 and builds[0].status == "done"
        assert db.session().get(FilterIndex, ("trade_account", "employees", "btree")).state == "built"


def test_a_field_changing_type_keeps_its_filter_index_in_line(app, client_as, make_user):
    from trato.schema import FieldSpec, TypeChange, add_field, change_field_type

    admin = make_user(admin=True)
    with app.app_context():
        add_field("trade_account", FieldSpec("code", "text", {"en": "Code", "es": "Código"}), user=admin)
        records.bulk_create("trade_account", [{"name": f"C{i}", "cf_code": str(i)} for i in range(5)], user=None)
    client = client_as("admin")
    for _ in range(2):
        client.get("/r/trade_account/?code=3")
    with app.app_context():
        name = db.session().get(FilterIndex, ("trade_account", "cf_code", "btree")).name
        assert name in _indexes()
        db.session().rollback()
        change_field_type("trade_account", "cf_code", TypeChange("integer"), user=admin)
        state = app.extensions["trato"]
        with state.engine.begin() as conn:
            sync(conn, state.entities.all())
        db.session().rollback()
        assert name in _indexes()  # an integer takes a btree index too: made again on the converted column
        assert db.session().get(FilterIndex, ("trade_account", "cf_code", "btree")).state == "built"
