"""How fast CSV files import and export through trato.transfer, the path the UI and the CLI use.

Writes a file of N contacts-like rows (text, email, date as DD/MM/YYYY,
money with a decimal comma, select, relation by name), imports it in
create mode, upserts it again by email, exports it, and prints rows/s:

    python bench/import_export.py                       # SQLite in a temporary folder, 20,000 rows
    python bench/import_export.py --rows 100000 --database-url postgresql://postgres@127.0.0.1:5432/test
"""
from __future__ import annotations

import argparse
import csv
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from benchdb import open_app
from custom_fields import CITIES, database, en

from trato import records
from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.transfer import export, imports


def write_file(path: Path, rows: int) -> None:
    rnd = random.Random(11)
    with open(path, "w", encoding="cp1252", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Nombre", "Correo electrónico", "Ciudad", "Fecha de alta", "Valor", "Etapa", "Empresa"])
        for n in range(rows):
            since = date(2020, 1, 1) + timedelta(days=rnd.randint(0, 2000))
            writer.writerow([f"Contacto {n}", f"c{n}@example.com", rnd.choice(CITIES), since.strftime("%d/%m/%Y"),
                             f"{rnd.randint(0, 10**7) / 100:.2f}".replace(".", ","), rnd.choice(["Nuevo", "Ganado"]),
                             f"Empresa {rnd.randint(0, 49)}"])


def report(label: str, rows: int, seconds: float) -> None:
    print(f"  {label:<44} {seconds:8.2f} s  {rows / seconds:10,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="", help="PostgreSQL URL; SQLite in a temporary folder if empty")
    parser.add_argument("--rows", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, database(args.database_url, Path(tmp)) as url:
        app = open_app(url, Path(tmp) / "instance")
        state = app.extensions["trato"]
        print(f"{state.engine.dialect.name}, {args.rows} rows")
        source = Path(tmp) / "contacts.csv"
        write_file(source, args.rows)
        with app.app_context():
            create_entity(EntitySpec("firm", en("Empresa"), en("Empresas"), [FieldSpec("name", "text", en("Name"))]))
            records.bulk_create("x_firm", [{"name": f"Empresa {n}"} for n in range(50)], user=None)
            create_entity(EntitySpec("contact", en("Contact"), en("Contacts"), [
                FieldSpec("name", "text", {"en": "Name", "es": "Nombre"}, required=True),
                FieldSpec("email", "email", {"en": "Email", "es": "Correo electrónico"}, unique=True),
                FieldSpec("city", "text", {"en": "City", "es": "Ciudad"}, filterable=True),
                FieldSpec("since", "date", {"en": "Since", "es": "Fecha de alta"}),
                FieldSpec("value", "money", {"en": "Value", "es": "Valor"}, settings={"currency": "EUR"}),
                FieldSpec("stage", "select", {"en": "Stage", "es": "Etapa"}, options=[
                    {"value": "new", "label": {"en": "New", "es": "Nuevo"}},
                    {"value": "won", "label": {"en": "Won", "es": "Ganado"}}]),
                FieldSpec("firm", "relation", {"en": "Firm", "es": "Empresa"}, settings={"target": "x_firm"}),
            ]))
            for label, mode in (("import, create (batches of 500)", "create"), ("import again, upsert by email",
                                                                                 "upsert")):
                start = time.perf_counter()
                imp = imports.run(imports.start(source, source.name, "x_contact", user=None, mode=mode,
                                                key="email" if mode == "upsert" else None,
                                                encoding="windows-1252").id)
                report(label, args.rows, time.perf_counter() - start)
                assert imp.failed == 0, imp.error_path
            start = time.perf_counter()
            path, rows = export.export_file("x_contact", user=None, delimiter=";")
            report("export to CSV (pages of 500)", rows, time.perf_counter() - start)
        state.engine.dispose()


if __name__ == "__main__":
    main()
