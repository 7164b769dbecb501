"""Deterministic CRM data for the benchmarks: Spanish and English people, companies, cities, amounts and dates.

Every value comes from one `random.Random(seed)`, so the same seed and size
give the same rows on every machine and database. Rows are shaped as the
API takes them (money as {"amount", "currency"}, dates as ISO text), so the
record service validates them like any client's.
"""
from __future__ import annotations

import math
import random
import unicodedata
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

FIRST_ES = ["María", "Lucía", "Carmen", "Ana", "Laura", "Marta", "Elena", "Sofía", "Paula", "Isabel", "Pilar",
            "Rocío", "Nuria", "Cristina", "Beatriz", "José", "Antonio", "Manuel", "Francisco", "Javier", "David",
            "Juan", "Carlos", "Miguel", "Alejandro", "Pablo", "Sergio", "Jorge", "Álvaro", "Raúl", "Íñigo", "Begoña"]
LAST_ES = ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
           "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
           "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano", "Blanco",
           "Molina", "Morales", "Suárez", "Ortega", "Delgado", "Castro", "Ortiz", "Rubio", "Marín", "Sanz", "Núñez",
           "Iglesias", "Medina", "Garrido", "Cortés", "Castillo", "Santos", "Lozano", "Guerrero", "Cano", "Prieto"]
FIRST_EN = ["Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Chloe", "Lily", "Hannah", "Oliver",
            "George", "Harry", "Jack", "Noah", "Charlie", "Thomas", "James", "William", "Daniel", "Samuel", "Joseph"]
LAST_EN = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
           "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke", "Patel",
           "Hughes", "Edwards", "Turner", "Murphy", "Kelly", "O'Brien", "Walsh", "Byrne", "Ryan"]
# city, country, weight (big cities hold more customers)
CITIES_ES = [("Madrid", "ES", 30), ("Barcelona", "ES", 25), ("Valencia", "ES", 10), ("Sevilla", "ES", 8),
             ("Zaragoza", "ES", 5), ("Málaga", "ES", 5), ("Bilbao", "ES", 5), ("Alicante", "ES", 3),
             ("Córdoba", "ES", 3), ("Valladolid", "ES", 3), ("A Coruña", "ES", 2), ("Granada", "ES", 2),
             ("México", "MX", 8), ("Bogotá", "CO", 5), ("Lima", "PE", 4), ("Buenos Aires", "AR", 5),
             ("Santiago", "CL", 3)]
CITIES_EN = [("London", "GB", 30), ("Manchester", "GB", 6), ("Birmingham", "GB", 5), ("Leeds", "GB", 3),
             ("Bristol", "GB", 3), ("Dublin", "IE", 6), ("Cork", "IE", 2), ("New York", "US", 8),
             ("Toronto", "CA", 4)]
COMPANY_ES = ["Construcciones", "Distribuciones", "Transportes", "Talleres", "Inversiones", "Servicios",
              "Suministros", "Industrias", "Consultores", "Hostelería", "Farmacia", "Clínica", "Grupo", "Bodegas"]
COMPANY_EN = ["Logistics", "Holdings", "Engineering", "Consulting", "Foods", "Systems", "Partners", "Retail",
              "Energy", "Health", "Media", "Labs"]
SUFFIX_ES = ["S.L.", "S.A.", "S.L.U.", "S. Coop."]
SUFFIX_EN = ["Ltd", "plc", "LLP", "Inc."]
DOMAINS = ["gmail.com", "hotmail.com", "yahoo.es", "outlook.com", "telefonica.net", "icloud.com"]
INDUSTRIES = ["agriculture", "construction", "education", "energy", "finance", "health", "hospitality",
              "manufacturing", "media", "professional", "public", "retail", "technology", "transport", "other"]
JOB_TITLES = ["Director general", "Directora financiera", "Jefe de compras", "Responsable de IT", "Gerente",
              "CEO", "CFO", "Head of Procurement", "IT Manager", "Office Manager", "Sales Director"]
SEGMENTS = ["smb", "mid", "enterprise", "public"]
INTERESTS = ["software", "training", "consulting", "hardware", "support", "events"]
INTEREST_WEIGHTS = [40, 25, 15, 12, 7.3, 0.7]  # a contact ticks 1.5 on average: "events" about 1 %
LEAD_SOURCES = ["web_form", "import", "manual", "campaign"]
LEAD_STATUSES = [("new", 40), ("contacted", 25), ("qualified", 15), ("unqualified", 12), ("converted", 8)]
TODAY = date(2026, 11, 1)  # a fixed "today", so the data does not depend on when it is generated


def ascii_slug(text: str) -> str:
    """Text without accents, spaces or apostrophes: the local part of an email address."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def skewed_weights(n: int, exponent: float = 0.9) -> list[float]:
    """Zipf-like weights: the first few owners hold most records, as in a real sales team."""
    return [1 / (rank ** exponent) for rank in range(1, n + 1)]


class Fake:
    """One deterministic stream of CRM values."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)

    def spanish(self) -> bool:
        return self.rnd.random() < 0.7  # the customer base is mostly Spanish-speaking

    def person(self) -> tuple[str, str, bool]:
        if self.spanish():
            return (self.rnd.choice(FIRST_ES),
                    f"{self.rnd.choice(LAST_ES)} {self.rnd.choice(LAST_ES)}" if self.rnd.random() < 0.6
                    else self.rnd.choice(LAST_ES), True)
        return self.rnd.choice(FIRST_EN), self.rnd.choice(LAST_EN), False

    def city(self, spanish: bool) -> tuple[str, str]:
        cities = CITIES_ES if spanish else CITIES_EN
        city, country, _w = self.rnd.choices(cities, weights=[c[2] for c in cities])[0]
        return city, country

    def company(self, n: int) -> tuple[str, bool]:
        spanish = self.spanish()
        if spanish:
            return f"{self.rnd.choice(COMPANY_ES)} {self.rnd.choice(LAST_ES)} {n} {self.rnd.choice(SUFFIX_ES)}", True
        return f"{self.rnd.choice(LAST_EN)} {self.rnd.choice(COMPANY_EN)} {n} {self.rnd.choice(SUFFIX_EN)}", False

    def phone(self, spanish: bool) -> str:
        if spanish:
            return f"+34 6{self.rnd.randint(10, 99)} {self.rnd.randint(100, 999)} {self.rnd.randint(100, 999)}"
        return f"+44 7{self.rnd.randint(100, 999)} {self.rnd.randint(100000, 999999)}"

    def email(self, first: str, last: str, n: int, domain: str | None = None) -> str:
        return f"{ascii_slug(first)}.{ascii_slug(last.split()[0])}{n}@{domain or self.rnd.choice(DOMAINS)}"

    def amount(self, median: float = 8000.0, sigma: float = 1.1) -> str:
        """Log-normal: many small deals, a few very large ones."""
        return f"{median * math.exp(self.rnd.gauss(0, sigma)):.2f}"

    def day(self, before: int, after: int = 0) -> str:
        return (TODAY + timedelta(days=self.rnd.randint(-before, after))).isoformat()

    def pick(self, items: Sequence[Any], weights: Sequence[float] | None = None) -> Any:
        return self.rnd.choices(items, weights=weights)[0] if weights else self.rnd.choice(items)
