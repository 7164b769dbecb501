"""Reads that may lag go to a real PostgreSQL streaming replica started on loopback; writes never do.

The replica is made by pg_basebackup from the local cluster and run by the
postgres user on a port of its own (deploy/test.sh lets it replicate).
"""
from __future__ import annotations

import csv
import logging
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import event, make_url

from trato import records
from trato.transfer import export

from .support.live import free_port

PRIMARY = os.environ.get("TRATO_TEST_DATABASE_URL", "")

needs_replica = [
    pytest.mark.skipif(not PRIMARY.startswith("postgresql"), reason="a streaming replica follows PostgreSQL"),
    pytest.mark.skipif(os.geteuid() != 0, reason="starting a PostgreSQL server as user postgres needs root"),
]


def _as_postgres(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["runuser", "-u", "postgres", "--", *command], capture_output=True, text=True, timeout=300)


def _primary_settings() -> tuple[str, str]:
    """The primary's server program (its version's) and max_connections, which a standby may not go below."""
    with psycopg.connect(PRIMARY.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        major = conn.execute("SHOW server_version_num").fetchone()[0][:2]
        connections = conn.execute("SHOW max_connections").fetchone()[0]
    return f"/usr/lib/postgresql/{major}/bin/postgres", connections


@pytest.fixture
def replica() -> Iterator[tuple[str, subprocess.Popen[str], Path]]:
    """A hot standby of the test cluster: its base URL (add the database's name), its process and its log."""
    primary = make_url(PRIMARY)
    folder = Path(tempfile.mkdtemp(prefix="trato-replica-"))
    data = folder / "data"
    user = pwd.getpwnam("postgres")
    os.chown(folder, user.pw_uid, user.pw_gid)
    # A slot of its own keeps on the primary the WAL the standby has not replayed yet: without one, the WAL
    # that the other tests' database copies fill is recycled before a busy standby gets to it.
    slot = f"trato_replica_{os.getpid()}"
    _drop_slot(slot)
    taken = _as_postgres("pg_basebackup", "-h", primary.host or "127.0.0.1", "-p", str(primary.port or 5432),
                         "-U", "postgres", "-D", str(data), "-R", "-X", "stream", "-c", "fast", "-C", "-S", slot)
    if taken.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"pg_basebackup failed (deploy/test.sh allows loopback replication): {taken.stderr}")
    for name, text in (("postgresql.conf", "hot_standby = on\n"), ("pg_ident.conf", ""),
                       ("pg_hba.conf", "local all all trust\nhost all all 127.0.0.1/32 trust\n")):
        (data / name).write_text(text)
        os.chown(data / name, user.pw_uid, user.pw_gid)
    port, (server, connections) = free_port(), _primary_settings()
    log = folder / "replica.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            ["runuser", "-u", "postgres", "--", server, "-D", str(data), "-p", str(port),
             "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}",
             "-c", f"max_connections={connections}", "-c", "shared_buffers=16MB"],
            stdout=out, stderr=subprocess.STDOUT, text=True)
    base = f"postgresql://postgres@127.0.0.1:{port}/"
    try:
        _wait_for(lambda: psycopg.connect(base + "postgres", connect_timeout=2).close() or True, log=log)
        yield base, process, log
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        _drop_slot(slot)
        shutil.rmtree(folder, ignore_errors=True)


def _drop_slot(name: str) -> None:
    """Let the primary recycle its WAL again once the standby is gone (or left over from a killed run)."""
    with psycopg.connect(PRIMARY.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                     "WHERE slot_name = %s AND NOT active", (name,))


def _wait_for(check, seconds: float = 60, log: Path | None = None) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            if check():
                return
        except psycopg.Error:  # not up yet, or the database or table not replayed yet
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"the replica did not come up: {log.read_text() if log else ''}")
        time.sleep(0.1)


class Statements:
    """The statements an engine sends while listened to."""

    def __init__(self, engine) -> None:
        self.engine, self.sent = engine, []

    def __enter__(self) -> list[str]:
        event.listen(self.engine, "before_cursor_execute", self._keep)
        return self.sent

    def __exit__(self, *exc: object) -> None:
        event.remove(self.engine, "before_cursor_execute", self._keep)

    def _keep(self, _conn, _cursor, statement, *_rest) -> None:
        self.sent.append(statement)


def _aggregate(api) -> dict:
    answer = api.get("contacts_contact/aggregate?group_by=city")
    assert answer.status_code == 200, answer.text
    return {row["group"]["city"]: row["count"] for row in answer.json["data"]}


@needs_replica[0]
@needs_replica[1]
def test_reports_and_exports_read_the_replica_and_every_user_sees_their_own_writes(
        trato_db_url, replica, make_app, make_user, api_client_as, caplog):
    base, process, log = replica
    app = make_app(plugins=["contacts"], replica_url=base + make_url(trato_db_url).database,
                   replica_max_wait_ms=300)
    state = app.extensions["trato"]
    user = make_user(admin=True)
    api = api_client_as(user)
    with app.app_context():
        records.create("contacts_contact", {"first_name": "Ana", "last_name": "Sur", "city": "Sevilla"}, user=user)

    def replayed() -> bool:
        with psycopg.connect(base + make_url(trato_db_url).database, connect_timeout=2) as conn:
            return conn.execute("SELECT count(*) FROM contacts_contact").fetchone()[0] == 1

    # The replica has caught up with the set-up: it replays the whole cluster's WAL, which the other tests
    # running at the same time fill with the databases they copy, so give it time.
    _wait_for(replayed, seconds=300, log=log)

    # A report (the aggregates API) reads the replica, and sees the write made just before.
    with Statements(state.replica_engine) as on_replica, Statements(state.engine) as on_primary:
        assert _aggregate(api) == {"Sevilla": 1}
    assert any("contacts_contact" in s for s in on_replica)
    assert not any("contacts_contact" in s for s in on_primary)

    # An export job reads the replica too, and the file holds what the primary had.
    with app.test_request_context(), Statements(state.replica_engine) as on_replica:
        job_id = export.submit("contacts_contact", user=user)
    with state.sessionmaker() as s:
        from trato.models import Job

        path = s.get(Job, job_id).result["path"]
    with open(path, encoding="utf-8-sig", newline="") as f:
        assert [row["Last name"] for row in csv.DictReader(f)] == ["Sur"]
    assert any("contacts_contact" in s for s in on_replica)

    # A write inside lagging() goes to the primary, and the reads after it in that context stay there.
    with app.test_request_context(), Statements(state.replica_engine) as on_replica, records.lagging():
        made = records.create("contacts_contact", {"first_name": "Bea", "last_name": "Norte", "city": "Bilbao"},
                              user=user)
        assert records.get("contacts_contact", made.id, user=user)["city"] == "Bilbao"
    assert not any("contacts_contact" in s for s in on_replica)

    # A replica that stopped replaying: the next report waits for it, then reads the primary, and is not stale.
    with psycopg.connect(base + make_url(trato_db_url).database, autocommit=True) as conn:
        conn.execute("SELECT pg_wal_replay_pause()")
        _wait_for(lambda: conn.execute("SELECT pg_get_wal_replay_pause_state()").fetchone()[0] == "paused")
    with app.app_context():
        records.create("contacts_contact", {"first_name": "Carla", "last_name": "Este", "city": "Bilbao"}, user=user)
    said = logging.getLogger("trato.replica")
    said.addHandler(caplog.handler)  # the trato loggers write to their own handler, not to the root's
    try:
        with Statements(state.replica_engine) as on_replica:
            assert _aggregate(api) == {"Sevilla": 1, "Bilbao": 2}
        assert not any("contacts_contact" in s for s in on_replica)
        assert "bytes behind after 300 ms: reading from the primary" in caplog.text

        # A replica that is down: reports go on, from the primary.
        process.terminate()
        process.wait(timeout=30)
        assert _aggregate(api) == {"Sevilla": 1, "Bilbao": 2}
        assert "read replica unavailable, reading from the primary" in caplog.text
    finally:
        said.removeHandler(caplog.handler)


def test_a_replica_needs_postgresql_urls(tmp_path):
    from trato.errors import ConfigError
    from trato.settings import load_settings

    with pytest.raises(ConfigError, match="TRATO_REPLICA_URL: 'sqlite:///x.db' is not a PostgreSQL URL"):
        load_settings(instance_path=tmp_path, database_url="postgresql://h/db", replica_url="sqlite:///x.db")
    with pytest.raises(ConfigError, match="a read replica needs the database .* on PostgreSQL"):
        load_settings(instance_path=tmp_path, database_url="sqlite:///a.db", replica_url="postgresql://h/db")
