"""`trato records import|export|imports|undo-import`, run as a user would: its own process."""
from __future__ import annotations

import pytest

from ..support.live import base_env, trato


@pytest.fixture
def env(tmp_path, trato_db_url):
    """A set-up instance with the custom entity `x_pupil` (name, required; born, a date), made by the CLI."""
    env = base_env(str(tmp_path / "instance"), trato_db_url, "")
    trato("init", env=env)
    trato("entities", "add", "pupil", "--label", "Pupil", "--plural", "Pupils", env=env)
    trato("fields", "add", "x_pupil", "name", "--type", "text", "--label", "Name", "--label-es", "Nombre",
          "--required", env=env)
    trato("fields", "add", "x_pupil", "born", "--type", "date", "--label", "Born", "--label-es", "Nacido", env=env)
    return env


def test_import_reports_each_bad_row_on_one_line_and_undo_takes_it_back(env, tmp_path):
    good = tmp_path / "alumnos.csv"
    good.write_bytes("Nombre;Nacido\nIñaki;03/04/2010\nÁlvaro;31/13/2010\nEva;\n".encode("cp1252"))
    result = trato("records", "import", "x_pupil", str(good), env=env)
    assert result.stderr.strip() == "Row 3, column “Nacido”: Enter a date as YYYY-MM-DD or DD/MM/YYYY."
    assert "Import 1 (done): 2 created, 0 updated, 1 failed, 3 of 3 rows read." in result.stdout
    exported = trato("records", "export", "x_pupil", "--columns", "name,born", "--sort", "name", env=env).stdout
    assert exported == "\ufeffName,Born\nEva,\nIñaki,2010-04-03\n"
    assert "x_pupil" in trato("records", "imports", env=env).stdout
    assert "2 record(s) reverted" in trato("records", "undo-import", "1", env=env).stdout
    assert trato("records", "export", "x_pupil", env=env).stdout.count("\n") == 1


def test_nothing_imported_exits_non_zero_and_a_bad_file_is_one_line(env, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Nombre,Nacido\n,2010-01-01\n")
    result = trato("records", "import", "x_pupil", str(bad), env=env, check=False)
    assert result.returncode == 1 and "Row 2, column “Nombre”: This field is required." in result.stderr
    xlsx = tmp_path / "book.xlsx"
    xlsx.write_bytes(b"PK\x03\x04 zipped sheets")
    refused = trato("records", "import", "x_pupil", str(xlsx), env=env, check=False)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert [line for line in refused.stderr.splitlines() if line] == [
        "Error: This file is of the type Excel (.xlsx) / OpenDocument (.ods) / ZIP, not CSV. Save it from your "
        "spreadsheet as “CSV” and upload that."]
