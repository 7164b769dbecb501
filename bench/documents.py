"""A one-page PDF of a record (trato.documents): the time to render it and the worker's peak memory.

One sales deal with its account, every field filled, rendered through the generic document with the
company's letterhead and logo: the first render (WeasyPrint imported, fonts loaded), then the median and
quartiles of the next ones, wall clock and CPU, then the HTML step alone. Memory: the process's peak resident
size (getrusage ru_maxrss) before and after, and Python's own peak allocations during one render (tracemalloc).

    python documents.py --database sqlite:////tmp/bench-documents.db --fresh
    python documents.py --database postgresql://postgres@127.0.0.1:5432/bench_documents --fresh
"""
from __future__ import annotations

import argparse
import base64
import resource
import subprocess
import tempfile
import time
import tracemalloc
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from benchdb import ADMIN_EMAIL, open_app, recreate, user
from generate import set_up
from measure import repeat
from trato import Money, documents, records
from trato.companies import forget
from trato.companies.models import Company
from trato.db import session

LOGO = base64.b64decode(  # a 1x1 PNG: the letterhead's logo goes the same way, whatever its size
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVQI12P4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC")


def rss_mb() -> float:
    """The peak resident size of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def the_deal(app) -> tuple[object, int]:
    """The bench's admin and a deal with its account, the company's letterhead and logo set."""
    admin = user(app, ADMIN_EMAIL)
    with app.app_context():
        folder = app.extensions["trato"].settings.upload_path
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "logo.png").write_bytes(LOGO)
        company = session().scalar(select(Company).where(Company.is_default.is_(True)))
        company.legal_name, company.tax_id, company.logo = "Bench Distribuciones S.L.", "B12345674", "logo.png"
        company.address_line1, company.postal_code, company.city = "Gran Vía 1", "28013", "Madrid"
        session().commit()
        forget()
        account = records.create("contacts_account", {"name": "Transportes García S.A."}, user=admin)
        stages = records.query("sales_stage", user=admin).page(limit=50).items
        stage = next(s for s in stages if s["outcome"] != "lost")  # a lost deal would need its reason
        deal = records.create("sales_deal", {
            "name": "Renovación flota 2027", "account_id": account.id, "pipeline_id": stage["pipeline_id"],
            "stage_id": stage.id, "amount": Money(Decimal("48250.75"), "EUR"), "close_date": date(2027, 3, 14),
            "next_step": "Enviar la propuesta firmada"}, user=admin)
    return admin, deal.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--repeat", type=int, default=21, help="timed renders after the first")
    args = parser.parse_args()
    if args.fresh:
        recreate(args.database)
    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(args.database, Path(tmp) / "instance")
        with app.app_context():
            if "sales" not in app.extensions["trato"].plugins.enabled:
                set_up(app)
        admin, deal = the_deal(app)
        with app.app_context():
            before = rss_mb()
            start = time.perf_counter()
            pdf = documents.render_pdf("sales_deal", deal, user=admin, language="es")
            first = time.perf_counter() - start
            target = Path(tmp) / "deal.pdf"
            target.write_bytes(pdf)
            pages = subprocess.run(["pdfinfo", str(target)], capture_output=True, text=True).stdout
            count = next((line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:")), "?")
            wall, cpu = repeat(lambda: documents.render_pdf("sales_deal", deal, user=admin, language="es"),
                               max(args.repeat, 1), warmup=0)
            html_wall, _html_cpu = repeat(lambda: documents.render_html("sales_deal", deal, user=admin,
                                                                        language="es"), max(args.repeat, 1))
            tracemalloc.start()
            documents.render_pdf("sales_deal", deal, user=admin, language="es")
            _current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            after = rss_mb()
    print(f"database: {args.database.split('://')[0]}; PDF: {len(pdf):,} bytes, {count} page(s)")
    print("| item | ms: median (quartiles) |")
    print("|---|---|")
    print(f"| first PDF of the process (WeasyPrint imported, fonts loaded) | {first * 1000:8.2f} |")
    print(f"| one-page PDF, wall clock, {len(wall.samples)} runs | {wall.ms()} |")
    print(f"| one-page PDF, CPU | {cpu.ms()} |")
    print(f"| its HTML alone (merge fields + sandboxed template) | {html_wall.ms()} |")
    print()
    print("| memory | MB |")
    print("|---|---|")
    print(f"| worker peak RSS before the first PDF | {before:8.1f} |")
    print(f"| worker peak RSS after {len(wall.samples) + 2} PDFs | {after:8.1f} |")
    print(f"| Python's peak allocations during one render (tracemalloc) | {peak / 2**20:8.1f} |")


if __name__ == "__main__":
    main()
