"""The generated region for the directory sync benchmark: a deterministic fake directory
(director, förvaltningar, units, sections, staff, glitches) as LDIF, and the change sets
applied before (d) and (e)."""
from __future__ import annotations

import base64
import random
import unicodedata
from dataclasses import dataclass, field

SUFFIX = "dc=regionexempel,dc=se"
PEOPLE_DN = f"ou=people,{SUFFIX}"
SYNC_DN = f"cn=vaksam-sync,ou=service,{SUFFIX}"
SYNC_PASSWORD = "sync-secret"
ADMIN_GROUP_DN = f"cn=vaksam-admins,ou=groups,{SUFFIX}"
COMMS_GROUP_DN = f"cn=vaksam-comms,ou=groups,{SUFFIX}"
PAGE_SIZE = 1000
CHANGE_SHARE = 0.02
INCREMENTAL_SHARE = 0.01

# --- the generated region ----------------------------------------------------------------------

GIVEN = ("Anna Eva Maria Karin Sara Lena Kerstin Emma Malin Ingrid Åsa Märta Sofia Linnéa Elin Ida Hanna "
         "Johanna Ulla Birgitta Agneta Helén Cecilia Louise Therese Jenny Camilla Ebba Saga Wilma Lars Anders "
         "Johan Per Karl Erik Mikael Nils Björn Jan Olof Peter Thomas Fredrik Daniel Magnus Mattias Jonas "
         "Göran Håkan Åke Jörgen Stefan Andreas Henrik Oskar Viktor Emil Gustav Axel Ali Mohammed Yusuf "
         "Fatima Leyla Amir Noor Milan Dragana Kalle Sten").split()
FAMILY = ("Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson Pettersson "
          "Jonsson Jansson Hansson Bengtsson Jönsson Lindberg Jakobsson Magnusson Olofsson Lindström Lindqvist "
          "Lindgren Berg Axelsson Bergström Lundberg Lind Lundgren Lundqvist Mattsson Berglund Fredriksson "
          "Sandberg Henriksson Forsberg Sjöberg Wallin Ali Engström Eklund Danielsson Håkansson Lundin Björk "
          "Bergman Gunnarsson Holm Wikström Samuelsson Isaksson Fransson Bergqvist Nyström Holmberg Arvidsson "
          "Löfgren Söderberg Nyberg Blomqvist Claesson Nordström Mårtensson Lundström Öberg Åberg Ström "
          "Hussein Mohammadi Yilmaz Nordin Ekström Söderström Åström Hägg Öhman").split()

FORVALTNINGAR = (  # (ou, container code, share of the staff, staff titles)
    ("Hälso- och sjukvårdsförvaltningen", "hsf", 0.64,
     ("Sjuksköterska", "Undersköterska", "Läkare", "Specialistläkare", "Fysioterapeut", "Arbetsterapeut",
      "Barnmorska", "Biomedicinsk analytiker", "Kurator", "Medicinsk sekreterare", "Psykolog")),
    ("Tandvårdsförvaltningen", "tvf", 0.06, ("Tandläkare", "Tandsköterska", "Tandhygienist", "Receptionist")),
    ("Regionservice", "rs", 0.13, ("Lokalvårdare", "Kock", "Fastighetstekniker", "Drifttekniker",
                                   "Systemförvaltare", "Inköpare", "Transportör", "IT-tekniker")),
    ("Kollektivtrafikförvaltningen", "ktf", 0.04, ("Trafikplanerare", "Kundtjänstmedarbetare", "Analytiker")),
    ("Kultur- och bildningsförvaltningen", "kbf", 0.06, ("Lärare", "Bibliotekarie", "Kulturproducent",
                                                         "Studievägledare", "Elevassistent")),
    ("Regionledningsförvaltningen", "rlf", 0.07, ("Handläggare", "Controller", "Ekonom", "HR-specialist",
                                                 "Jurist", "Kommunikatör", "Utredare", "Registrator")),
)
UNIT_KINDS = {
    "hsf": ("Akutkliniken", "Medicinkliniken", "Kirurgkliniken", "Ortopedkliniken", "Barn- och ungdomskliniken",
            "Kvinnokliniken", "Psykiatriska kliniken", "Geriatriska kliniken", "Infektionskliniken",
            "Röntgenkliniken", "Laboratoriemedicin", "Vårdcentralen", "Habiliteringen", "Rehabkliniken"),
    "tvf": ("Folktandvården", "Specialisttandvården"),
    "rs": ("Lokalvård", "Kost", "Fastighet", "IT-avdelningen", "Inköp", "Transport"),
    "ktf": ("Trafikplanering", "Kundtjänst", "Trafikavtal"),
    "kbf": ("Folkhögskolan", "Regionbiblioteket", "Naturbruksgymnasiet", "Kulturenheten"),
    "rlf": ("Ekonomiavdelningen", "HR-avdelningen", "Kommunikationsavdelningen", "Kansliavdelningen",
            "Regionala utvecklingsavdelningen", "Digitaliseringsavdelningen"),
}
PLACES = ("Norrby", "Söderby", "Österås", "Västerhamn", "Ängelholm", "Åby", "Ödeby", "Centrum", "Lillsjö",
          "Storvik", "Bäckby", "Skärholmen", "Gärdet", "Hjortsberg", "Kungsängen", "Mälarby", "Fjällnäs",
          "Strömsund", "Älvkarleby", "Tallbacka")
SECTION_NAMES = ("Mottagningen", "Vårdavdelning 1", "Vårdavdelning 2", "Vårdavdelning 3", "Dagvården",
                 "Sektion Öst", "Sektion Väst", "Sektion Nord", "Sektion Syd", "Administration", "Team A",
                 "Team B", "Team C", "Jourlinjen", "Planering", "Kvalitet och utveckling")


@dataclass
class Entry:
    uid: str
    cn: str
    container: str
    given: str
    family: str
    title: str
    ou: str
    department: str | None
    manager: Entry | None = None
    mail: str | None = None
    employee_number: str = ""
    disabled: bool = False
    raw_manager: str | None = None  # a deliberately bad manager DN (dangling / self)
    reports: list = field(default_factory=list)

    @property
    def dn(self) -> str:
        from directory.dn import escape_rdn_value

        return f"cn={escape_rdn_value(self.cn)},ou={self.container},{PEOPLE_DN}"

    def manager_dn(self) -> str | None:
        return self.raw_manager or (self.manager.dn if self.manager else None)


def _ascii(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower().replace("å", "a").replace("ä", "a").replace("ö", "o"))
    return "".join(c for c in folded if c.isascii() and c.isalnum())


class Region:
    """A deterministic fake region: director, förvaltningar, units, sections, staff."""

    def __init__(self, people: int, seed: int = 20240902):
        self.rng = random.Random(seed)
        self.people: list[Entry] = []
        self.sections: dict[str, list[Entry]] = {}  # förvaltning code -> section chiefs
        self.unit_chiefs: dict[str, list[Entry]] = {}
        self._uids: dict[str, int] = {}
        self._mails: set[str] = set()
        self._cns: set[tuple[str, str]] = set()
        self._build(people)

    def _person(self, container: str, ou: str, department: str | None, title: str, manager: Entry | None) -> Entry:
        rng = self.rng
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        cn, k = f"{family}, {given}", 1
        while (container, cn) in self._cns:
            k += 1
            cn = f"{family}, {given} {k}"
        self._cns.add((container, cn))
        prefix = _ascii(given)[:3] + _ascii(family)[:3]
        self._uids[prefix] = self._uids.get(prefix, 0) + 1
        mail, k = f"{_ascii(given)}.{_ascii(family)}", 1
        while mail in self._mails:
            k += 1
            mail = f"{_ascii(given)}.{_ascii(family)}{k}"
        self._mails.add(mail)
        entry = Entry(uid=f"{prefix}{self._uids[prefix]:03d}", cn=cn, container=container, given=given,
                      family=family, title=title, ou=ou, department=department, manager=manager,
                      mail=f"{mail}@regionexempel.se", employee_number=str(100000 + len(self.people)))
        if manager:
            manager.reports.append(entry)
        self.people.append(entry)
        return entry

    def _build(self, total: int) -> None:
        rng = self.rng
        director = self._person("rlf", FORVALTNINGAR[5][0], None, "Regiondirektör", None)
        left = total - 1
        for i, (name, code, share, titles) in enumerate(FORVALTNINGAR):
            budget = left if i == len(FORVALTNINGAR) - 1 else round((total - 1) * share)
            left -= budget
            chief = self._person(code, name, None, "Förvaltningschef", director)
            budget -= 1
            self.sections[code], self.unit_chiefs[code] = [], []
            unit_names = self._unit_names(code)
            for unit in unit_names:
                if budget <= 0:
                    break
                boss = self._person(code, name, unit, "Verksamhetschef", chief)
                self.unit_chiefs[code].append(boss)
                budget -= 1
                for section in rng.sample(SECTION_NAMES, rng.randint(4, 12)):
                    if budget <= 0:
                        break
                    dept = f"{unit}/{section}"
                    lead = self._person(code, name, dept, "Sektionschef", boss)
                    self.sections[code].append(lead)
                    budget -= 1
                    for _ in range(min(budget, rng.randint(8, 40))):
                        self._person(code, name, dept, rng.choice(titles), lead)
                        budget -= 1
        self._add_glitches()

    def _unit_names(self, code: str):
        """Unit names in a random but fixed order, enough for any budget."""
        names = [f"{kind} {place}" for kind in UNIT_KINDS[code] for place in PLACES]
        self.rng.shuffle(names)
        n = 1
        while True:
            for unit in names:
                yield unit if n == 1 else f"{unit} {n}"
            n += 1

    def _add_glitches(self) -> None:
        """What real directories have: people without mail, disabled accounts, bad manager DNs."""
        staff = [p for p in self.people if p.title not in ("Regiondirektör", "Förvaltningschef", "Verksamhetschef",
                                                          "Sektionschef")]
        picks = self.rng.sample(staff, min(len(staff), max(8, len(self.people) // 200) + 6))
        for p in picks[: len(picks) // 5]:
            p.mail = None
        for p in picks[len(picks) // 5 : -6]:
            p.disabled = True
        for p in picks[-6:-1]:
            p.raw_manager = f"cn=Slutat\\, Någon,ou={p.container},{PEOPLE_DN}"
        picks[-1].raw_manager = picks[-1].dn  # manages themself

    # -- LDIF -----------------------------------------------------------------------------------

    def ldif(self) -> str:
        out = [f"dn: ou=service,{SUFFIX}\nobjectClass: organizationalUnit\nou: service\n",
               f"dn: {SYNC_DN}\nobjectClass: organizationalRole\nobjectClass: simpleSecurityObject\n"
               f"cn: vaksam-sync\nuserPassword: {SYNC_PASSWORD}\n"]
        for code in sorted({f[1] for f in FORVALTNINGAR}):
            out.append(f"dn: ou={code},{PEOPLE_DN}\nobjectClass: organizationalUnit\nou: {code}\n")
        out.append(f"dn: ou=groups,{SUFFIX}\nobjectClass: organizationalUnit\nou: groups\n")
        members = random.Random(3).sample(self.people, 40)
        for dn, group in ((ADMIN_GROUP_DN, members[:6]), (COMMS_GROUP_DN, members[6:])):
            out.append("".join(_ldif_line(a, v) for a, v in [("dn", dn), ("objectClass", "groupOfNames"),
                                                              ("cn", dn[3:].split(",")[0])]
                               + [("member", p.dn) for p in group]))
        for p in self.people:
            attrs = [("dn", p.dn), ("objectClass", "inetOrgPerson"), ("uid", p.uid), ("cn", p.cn),
                     ("sn", p.family), ("givenName", p.given), ("displayName", f"{p.given} {p.family}"),
                     ("title", p.title), ("ou", p.ou), ("employeeNumber", p.employee_number)]
            if p.department:
                attrs.append(("departmentNumber", p.department))
            if p.mail:
                attrs.append(("mail", p.mail))
            if p.manager_dn():
                attrs.append(("manager", p.manager_dn()))
            if p.disabled:
                attrs.append(("description", "disabled"))
            out.append("".join(_ldif_line(a, v) for a, v in attrs))
        return "\n".join(out)

    def changes(self, share: float = CHANGE_SHARE, seed: int = 7) -> tuple[str, str, int]:
        """(change LDIF, LDIF that undoes it, people changed) for `share` of the people."""
        rng = random.Random(seed)
        chiefs = {"Regiondirektör", "Förvaltningschef"}
        candidates = [p for p in self.people if p.title not in chiefs and not p.raw_manager and not p.disabled]
        picked = rng.sample(candidates, min(len(candidates), round(len(self.people) * share)))
        forward, back = [], []
        for i, p in enumerate(picked):
            kind = i % 20
            new, old = {}, {}
            if p.title == "Sektionschef" and kind < 2:  # a section moves to another unit chief
                others = [u for u in self.unit_chiefs[p.container] if u is not p.manager] or [p.manager]
                new["manager"], old["manager"] = rng.choice(others).dn, p.manager_dn()
            elif kind < 11 or p.title in ("Sektionschef", "Verksamhetschef"):
                new["title"], old["title"] = f"{p.title} (tf)" if rng.random() < 0.5 else "Samordnare", p.title
            elif kind < 17:  # moves to another section of the same förvaltning
                lead = rng.choice([s for s in self.sections[p.container] if s is not p.manager])
                new["departmentNumber"], old["departmentNumber"] = lead.department, p.department
                new["manager"], old["manager"] = lead.dn, p.manager_dn()
            elif kind < 19:  # new family name (not the DN) and mail
                family = rng.choice(FAMILY)
                new.update(sn=family, displayName=f"{p.given} {family}",
                           mail=f"{_ascii(p.given)}.{_ascii(family)}.{p.uid}@regionexempel.se")
                old.update(sn=p.family, displayName=f"{p.given} {p.family}", mail=p.mail)
            else:  # reports to the unit chief for a while
                new["manager"], old["manager"] = p.manager.manager.dn, p.manager_dn()
            forward.append(_modify(p.dn, new))
            back.append(_modify(p.dn, old))
        return "\n".join(forward), "\n".join(back), len(picked)


def _ldif_line(attr: str, value: str) -> str:
    safe = value.isascii() and value.isprintable() and not value.startswith((" ", ":", "<")) \
        and not value.endswith(" ")
    if safe:
        return f"{attr}: {value}\n"
    return f"{attr}:: {base64.b64encode(value.encode()).decode()}\n"


def _modify(dn: str, values: dict[str, str | None]) -> str:
    lines = [_ldif_line("dn", dn), "changetype: modify\n"]
    for attr, value in values.items():
        if value is None:
            lines += [f"delete: {attr}\n", "-\n"]
        else:
            lines += [f"replace: {attr}\n", _ldif_line(attr, value), "-\n"]
    return "".join(lines)
