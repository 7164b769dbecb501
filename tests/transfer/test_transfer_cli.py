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
    # Windows-1252, not UTF-8: refused until the person says so, naming where and how the names read that way.
    asked = trato("records", "import", "x_pupil", str(good), env=env, check=False)
    assert asked.returncode == 1 and "Traceback" not in asked.stderr
    assert asked.stderr.splitlines()[:3] == [
        "Error: Row 2, column “Nombre”: byte 15 (0xF1) is not UTF-8.",
        "Row 3, column “Nombre”: byte 31 (0xC1) is not UTF-8.",
        "Row 2, column “Nombre” reads “I\ufffdaki” with them replaced, “Iñaki” as Windows-1252."]
    assert asked.stderr.splitlines()[-1] == ("The file is not UTF-8. If the text above reads right as Windows-1252, "
                                             "import it again with --encoding windows-1252.")
    assert "x_pupil" not in trato("records", "imports", env=env).stdout  # nothing recorded
    result = trato("records", "import", "x_pupil", str(good), "--encoding", "windows-1252", env=env)
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


def test_a_utf8_file_with_one_bad_byte_names_it_and_the_chosen_way_is_followed(env, tmp_path):
    mixed = tmp_path / "mixed.csv"
    mixed.write_bytes("Nombre;Nacido\nJosé;2010-01-01\n".encode() + b"Mar\xeda;2011-02-02\nEva;\n")
    asked = trato("records", "import", "x_pupil", str(mixed), env=env, check=False)
    lines = asked.stderr.splitlines()
    assert asked.returncode == 1 and lines[0] == "Error: Row 3, column “Nombre”: byte 34 (0xED) is not UTF-8."
    assert "--encoding replace" in lines[-1] and "--encoding skip" in lines[-1]
    skipped = trato("records", "import", "x_pupil", str(mixed), "--encoding", "skip", env=env)
    assert skipped.stderr.strip() == ("Row 3, column “Nombre”: The cell holds bytes that are not UTF-8 (shown as �): "
                                      "the row is left out, as chosen.")
    assert "2 created, 0 updated, 1 failed" in skipped.stdout
    trato("records", "import", "x_pupil", str(mixed), "--encoding", "replace", "--mode", "upsert", "--key", "name",
          env=env)
    exported = trato("records", "export", "x_pupil", "--columns", "name", "--sort", "name", env=env).stdout
    assert exported.lstrip("\ufeff").splitlines() == ["Name", "Eva", "José", "Mar\ufffda"]
    # UTF-16 with its BOM (Excel's "Unicode text") and UTF-8 with a BOM need no choice.
    for data in ("Nombre\tNacido\nÚrsula\t2012-03-03\n".encode("utf-16"), "\ufeffNombre;Nacido\nÍñigo;\n".encode()):
        unicode = tmp_path / "unicode.csv"
        unicode.write_bytes(data)
        assert "1 created" in trato("records", "import", "x_pupil", str(unicode), env=env).stdout
    exported = trato("records", "export", "x_pupil", "--columns", "name", "--sort", "name", env=env).stdout
    # Sorted by the install's collation: accented capitals among their letters, not after Z.
    assert exported.lstrip("\ufeff").splitlines() == ["Name", "Eva", "Íñigo", "José", "Mar\ufffda", "Úrsula"]
