"""`trato backup` / `trato restore`: one archive restored into a fresh place gives back every row and file
(issue 17, backup and restore); a non-empty place, a truncated or a tampered archive are refused, changing nothing."""
from __future__ import annotations

import hashlib
import io
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import MetaData, select
from trato.activity import storage
from trato.app import create_app
from trato.cli.archive import backup, restore
from trato.demo import load_demo
from trato.settings import Settings
from trato.testing import throwaway_database

from .support.accounts import sign_in
from .support.live import base_env, trato


def dump_tables(app: Flask) -> dict[str, list[tuple[object, ...]]]:
    """Every table's rows, in a stable order, as plain values."""
    engine = app.extensions["trato"].engine
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return {name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
                for name, table in sorted(meta.tables.items())}


def file_sums(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def source(make_app) -> Flask:
    """Contacts and sales with their demo data, and one attachment on disk."""
    app = make_app(plugins=["contacts", "sales"])
    instance = app.extensions["trato"].settings.instance_path
    (instance / "trato.toml").write_text('site_name = "Backed up"\n')
    (instance / "secret_key").write_text("the-source-instance-key")
    with app.app_context():
        load_demo(app, "en")
    with app.app_context():
        storage.save("contact", 1, "notes.txt", io.BytesIO(b"what the client asked for\n"), None)
    return app


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Flask]:
    """An app on an empty database and a new instance folder, never migrated."""
    with throwaway_database(tmp_path / "elsewhere") as url:
        app = create_app(Settings(instance_path=tmp_path / "elsewhere" / "instance", database_url=url))
        yield app
        app.extensions["trato"].engine.dispose()


@pytest.fixture
def archive(source: Flask, tmp_path: Path) -> Path:
    target = tmp_path / "trato.tar.gz"
    done = source.test_cli_runner().invoke(backup, [str(target)])
    assert done.exit_code == 0, done.output
    assert "Backed up" in done.output
    return target


def run_restore(app: Flask, archive: Path, *args: str) -> tuple[int, str]:
    """Exit code and what the user reads (`trato` prints a TratoError's message as one line)."""
    done = app.test_cli_runner().invoke(restore, [str(archive), *args])
    return done.exit_code, done.output + str(done.exception or "")


def test_a_restore_into_a_fresh_place_gives_back_every_row_and_file(source: Flask, archive: Path,
                                                                     fresh: Flask) -> None:
    code, output = run_restore(fresh, archive)
    assert code == 0, output

    restored, original = dump_tables(fresh), dump_tables(source)
    assert restored.keys() == original.keys()
    assert {name: rows for name, rows in restored.items()} == original
    assert sum(len(rows) for rows in original.values()) > 100  # the demo, not an empty book
    uploads = source.extensions["trato"].settings.upload_path
    assert file_sums(fresh.extensions["trato"].settings.upload_path) == file_sums(uploads) != {}
    here = fresh.extensions["trato"].settings.instance_path
    assert (here / "trato.toml").read_text() == 'site_name = "Backed up"\n'
    assert (here / "secret_key").read_text() == "the-source-instance-key"


def test_the_manifest_names_versions_heads_and_checksums(archive: Path, source: Flask) -> None:
    with tarfile.open(archive) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
        names = set(tar.getnames())
    assert {"contacts", "sales"} <= set(manifest["plugins"])
    assert manifest["core_version"] and manifest["created_at"]
    with source.extensions["trato"].engine.connect() as conn:
        heads = set(conn.exec_driver_sql("SELECT version_num FROM alembic_version").scalars())
    assert set(manifest["migration_heads"]) == heads
    assert names == {"manifest.json", *manifest["files"]}
    assert manifest["database"]["file"] in manifest["files"]
    assert any(name.startswith("uploads/") for name in manifest["files"])


def test_a_restore_over_data_is_refused_unless_forced(source: Flask, archive: Path) -> None:
    before = dump_tables(source)
    code, output = run_restore(source, archive)
    assert code != 0
    assert "needs an empty place" in output and "--force" in output
    assert dump_tables(source) == before

    code, output = run_restore(source, archive, "--force")
    assert code == 0, output
    assert dump_tables(source) == before


def test_a_truncated_archive_is_refused_and_nothing_changes(archive: Path, fresh: Flask, tmp_path: Path) -> None:
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    code, output = run_restore(fresh, cut)
    assert code != 0
    assert "truncated or damaged" in output and "nothing was restored" in output
    assert dump_tables(fresh) == {}
    assert not fresh.extensions["trato"].settings.upload_path.exists() or \
        file_sums(fresh.extensions["trato"].settings.upload_path) == {}


def test_a_tampered_file_is_refused_by_name(archive: Path, fresh: Flask, tmp_path: Path) -> None:
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(tampered, "w:gz") as out:
        for member in src.getmembers():
            data = src.extractfile(member).read()  # type: ignore[union-attr]
            if member.name.startswith("uploads/"):
                data = data.replace(b"client", b"CLIENT")
                victim = member.name
            out.addfile(member, io.BytesIO(data))
    code, output = run_restore(fresh, tampered)
    assert code != 0
    assert f"{victim} does not match its checksum" in output
    assert dump_tables(fresh) == {}


def test_the_commands_back_up_and_restore_between_two_instances(tmp_path: Path, trato_db_url: str) -> None:
    """The real `trato` processes: an initialised instance into a new one, then a second restore refused."""
    here = base_env(str(tmp_path / "here"), trato_db_url, str(tmp_path))
    trato("init", "--admin-email", "admin@example.com", "--admin-password", "a-long-admin-password", env=here)
    target = tmp_path / "here.tar.gz"
    assert "Backed up" in trato("backup", str(target), env=here).stdout
    with throwaway_database(tmp_path / "there") as url:
        there = base_env(str(tmp_path / "there" / "instance"), url, str(tmp_path))
        assert "Restored the backup of" in trato("restore", str(target), env=there).stdout
        restored = create_app(Settings(instance_path=tmp_path / "there" / "instance", database_url=url))
        restored.config.update(TESTING=True, WTF_CSRF_ENABLED=False)
        signed_in = sign_in(restored.test_client(), "admin@example.com", "a-long-admin-password")
        restored.extensions["trato"].engine.dispose()
        assert signed_in.status_code == 302 and "/login" not in signed_in.location
        again = trato("restore", str(target), env=there, check=False)
    assert again.returncode == 1
    assert again.stderr.strip().endswith("use --force to overwrite; nothing was restored")
