"""A deterministic fictional region, "Region Exempel", of about 1,500 people.

The same records feed the demo database and (later) the embedded demo directory,
so ids, names and the org tree are identical wherever they appear.
"""
from __future__ import annotations

import random
import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta

NAMESPACE = uuid.UUID("6f1c1c1e-9a51-4c6e-9a1e-5a4b5e0e0001")

GIVEN = [
    "Anna", "Eva", "Maria", "Karin", "Sara", "Emma", "Kristina", "Lena", "Ingrid", "Åsa", "Linnéa", "Maja",
    "Elin", "Johanna", "Ida", "Sofia", "Malin", "Helena", "Annika", "Märta", "Agnes", "Ebba", "Wilma", "Ylva",
    "Lars", "Anders", "Johan", "Per", "Erik", "Karl", "Peter", "Mikael", "Jonas", "Björn", "Göran", "Örjan",
    "Mats", "Nils", "Oskar", "Viktor", "Emil", "Axel", "Hugo", "Linus", "Åke", "Sören", "Jörgen", "Rasmus",
]
FAMILY = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson", "Svensson",
    "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Jönsson", "Lindberg", "Jakobsson",
    "Magnusson", "Lindström", "Olofsson", "Lindqvist", "Lindgren", "Berg", "Axelsson", "Bergström", "Lundberg",
    "Lind", "Lundgren", "Lundqvist", "Mattsson", "Berglund", "Fredriksson", "Sandberg", "Henriksson", "Ström",
    "Åberg", "Öberg", "Sjöberg", "Forsberg", "Ek", "Håkansson", "Wallin", "Engström", "Holm", "Dahlström",
]

#: Förvaltning key, name, and its units: (unit name, sections, people per section).
STRUCTURE = [
    ("HSF", "Hälso- och sjukvårdsförvaltningen", [
        ("Akutkliniken", ["Akutmottagningen", "Ambulanssjukvården", "Akutvårdsavdelningen"], 40),
        ("Medicinkliniken", ["Avdelning 11", "Avdelning 12", "Hjärtmottagningen"], 35),
        ("Kirurgkliniken", ["Operation", "Avdelning 21", "Dagkirurgin"], 33),
        ("Primärvården", ["Vårdcentralen Norr", "Vårdcentralen Söder", "Vårdcentralen Centrum",
                          "Vårdcentralen Väster", "Barnavårdscentralen", "Rehabiliteringen"], 45),
        ("Psykiatrin", ["Vuxenpsykiatrin", "Barn- och ungdomspsykiatrin"], 30),
    ]),
    ("RS", "Regionservice", [
        ("IT-avdelningen", ["Servicedesk", "Drift", "Utveckling"], 25),
        ("Fastighet", ["Förvaltning", "Projekt"], 22),
        ("Ekonomi", ["Redovisning", "Upphandling"], 18),
    ]),
    ("KUF", "Kultur- och utbildningsförvaltningen", [
        ("Folkhögskolan", ["Undervisning", "Administration"], 25),
        ("Kulturenheten", ["Museet", "Bibliotekssamverkan"], 18),
    ]),
    ("RLF", "Regionledningsförvaltningen", [
        ("Säkerhetsenheten", ["Informationssäkerhet", "Fysisk säkerhet"], 8),
        ("Kommunikationsavdelningen", ["Intern kommunikation", "Webb"], 10),
        ("HR-avdelningen", ["Lön", "Kompetens"], 14),
        ("Kansliet", ["Nämndadministration"], 12),
    ]),
]

TITLES = ["Sjuksköterska", "Undersköterska", "Läkare", "Handläggare", "Administratör", "Specialist",
          "Systemförvaltare", "Ekonom", "Lärare", "Samordnare", "Utredare", "Fysioterapeut"]


@dataclass
class DemoPerson:
    external_id: str
    username: str
    given_name: str
    family_name: str
    email: str | None
    employee_number: str
    title: str
    #: Unit key path, e.g. ("HSF", "Primärvården", "Vårdcentralen Norr"); () for the top.
    unit_path: tuple[str, ...]
    manager_username: str | None
    start_date: date
    extra: dict = field(default_factory=dict)

    @property
    def display_name(self) -> str:
        return f"{self.given_name} {self.family_name}"


@dataclass
class DemoUnit:
    path: tuple[str, ...]
    name: str

    @property
    def key(self) -> str:
        return "/".join(self.path)


#: The demo log-ins: role and user name. Their passwords are random per database
#: (demo/logins.py), shown on the login page in demo mode only.
DEMO_LOGINS = [
    {"role": "admin", "username": "admin"},
    {"role": "comms", "username": "kommunikator"},
    {"role": "manager", "username": "chef"},
    {"role": "employee", "username": "anstalld"},
]


class _Builder:
    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.people: list[DemoPerson] = []
        self.units: list[DemoUnit] = []
        self.used: set[str] = set()
        self.counter = 0

    def person(self, unit_path, manager, title, username=None, given=None, family=None) -> DemoPerson:
        self.counter += 1
        given = given or self.rng.choice(GIVEN)
        family = family or self.rng.choice(FAMILY)
        if username is None:
            base = _ascii(given[:3] + family[:3]).lower()
            username, n = base, 1
            while username in self.used:
                n += 1
                username = f"{base}{n}"
        self.used.add(username)
        ext = str(uuid.uuid5(NAMESPACE, f"person-{self.counter}"))
        start = date(2005, 1, 1) + timedelta(days=self.rng.randrange(0, 7000))
        email = f"{username}@regionexempel.example" if self.rng.random() > 0.01 else None
        p = DemoPerson(ext, username, given, family, email, f"{100000 + self.counter}", title,
                       tuple(unit_path), manager.username if manager else None, start)
        self.people.append(p)
        return p


def _ascii(text: str) -> str:
    table = str.maketrans({"å": "a", "ä": "a", "ö": "o", "Å": "A", "Ä": "A", "Ö": "O", "é": "e", "É": "E"})
    return text.translate(table)


def build_region(seed: int = 2024) -> tuple[list[DemoUnit], list[DemoPerson]]:
    """Return the units and people of Region Exempel (same output for the same seed)."""
    b = _Builder(seed)
    top = b.person((), None, "Regiondirektör", given="Margareta", family="Lövgren")
    for fkey, fname, units in STRUCTURE:
        b.units.append(DemoUnit((fkey,), fname))
        fchef = b.person((fkey,), top, "Förvaltningschef")
        for uname, sections, per_section in units:
            b.units.append(DemoUnit((fkey, uname), uname))
            special = {"Primärvården": "chef"}.get(uname)
            uchef = b.person((fkey, uname), fchef, "Verksamhetschef", username=special,
                             given="Karin" if special else None, family="Ström" if special else None)
            for sname in sections:
                path = (fkey, uname, sname)
                b.units.append(DemoUnit(path, sname))
                lead = b.person(path, uchef, "Enhetschef")
                for i in range(per_section * 3 // 2):
                    username = None
                    given = family = None
                    if sname == "Vårdcentralen Norr" and i == 0:
                        username, given, family = "anstalld", "Erik", "Öberg"
                    elif sname == "Informationssäkerhet" and i == 0:
                        username, given, family = "admin", "Åsa", "Lindqvist"
                    elif sname == "Intern kommunikation" and i == 0:
                        username, given, family = "kommunikator", "Jonas", "Sjöberg"
                    b.person(path, lead, b.rng.choice(TITLES), username=username, given=given, family=family)
    return b.units, b.people
