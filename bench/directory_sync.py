"""Benchmark of the directory sync against a real slapd (not a timed test).

Generates a realistic region directory (default 55,000 people), bulk-loads it into a
throwaway slapd and measures, in one run:

  (a) a bare ldap3 paged search reading the same attributes the sync reads,
  (b) the first full sync into an empty database,
  (c) a second sync with no changes,
  (d) a sync after 2 % of the people changed (titles, moves between sections,
      manager changes, name/mail changes),

on SQLite and on PostgreSQL, and prints b/a, c/a, d/a and the peak RSS of the sync
process against the targets (b/a <= 1.5, c/a <= 1.2, peak RSS <= 400 MB).

Each measurement runs in its own child process, so a peak RSS belongs to one backend.
slapd and PostgreSQL are throwaway servers (tests/services.py), stopped at the end.

    .venv/bin/python bench/directory_sync.py [--people 55000] [--backend sqlite|postgresql|both]
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SUFFIX = "dc=regionexempel,dc=se"
PEOPLE_DN = f"ou=people,{SUFFIX}"
SYNC_DN = f"cn=vaksam-sync,ou=service,{SUFFIX}"
SYNC_PASSWORD = "sync-secret"
ADMIN_GROUP_DN = f"cn=vaksam-admins,ou=groups,{SUFFIX}"
COMMS_GROUP_DN = f"cn=vaksam-comms,ou=groups,{SUFFIX}"
PAGE_SIZE = 1000
CHANGE_SHARE = 0.02
TARGETS = {"b/a": 1.5, "c/a": 1.2}
RSS_TARGET_MB = 400

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
    manager: "Entry | None" = None
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

    def changes(self) -> tuple[str, str, int]:
        """(change LDIF, LDIF that undoes it, people changed) for CHANGE_SHARE of the people."""
        rng = random.Random(7)
        chiefs = {"Regiondirektör", "Förvaltningschef"}
        candidates = [p for p in self.people if p.title not in chiefs and not p.raw_manager and not p.disabled]
        picked = rng.sample(candidates, min(len(candidates), round(len(self.people) * CHANGE_SHARE)))
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


# --- measurements (each in its own child process) -----------------------------------------------

def _rss_mb() -> float:
    """Peak RSS of this process so far. VmHWM, not ru_maxrss: Linux carries ru_maxrss over
    from the parent through fork and exec, so a worker would report the parent's size."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _ldap_settings(job: dict) -> dict:
    return {"LDAP_URL": job["ldap_url"], "LDAP_ALLOW_PLAINTEXT": True, "LDAP_BIND_DN": SYNC_DN, "LDAP_BIND_PASSWORD": SYNC_PASSWORD,
            "LDAP_BASE_DN": PEOPLE_DN, "LDAP_SCHEMA": "openldap", "LDAP_USER_FILTER": "(objectClass=inetOrgPerson)",
            "LDAP_DISABLED_FILTER": "(description=disabled)", "LDAP_PAGE_SIZE": PAGE_SIZE, "LDAP_TIMEOUT": 60,
            "LDAP_ADMIN_GROUP_DN": ADMIN_GROUP_DN, "LDAP_COMMS_GROUP_DN": COMMS_GROUP_DN}


def worker_search(job: dict) -> dict:
    """(a): the bare paged search, best of `repeat` runs, nothing kept but a count."""
    import ldap3

    from directory.mapping import attribute_map, wanted_attributes

    attrs = wanted_attributes(attribute_map("openldap", environ={}))
    cfg = _ldap_settings(job)
    times, cpu, count = [], [], 0
    for _ in range(job["repeat"]):
        t0, c0 = time.perf_counter(), time.process_time()
        server = ldap3.Server(cfg["LDAP_URL"], get_info=ldap3.NONE, connect_timeout=60)
        conn = ldap3.Connection(server, user=SYNC_DN, password=SYNC_PASSWORD, auto_bind=True, read_only=True,
                                raise_exceptions=False, receive_timeout=60)  # as directory.client connects
        cookie, count = None, 0
        while True:
            conn.search(PEOPLE_DN, cfg["LDAP_USER_FILTER"], search_scope=ldap3.SUBTREE, attributes=attrs,
                        paged_size=PAGE_SIZE, paged_cookie=cookie)
            assert conn.result["result"] == 0, conn.result
            count += sum(1 for e in conn.response if e["type"] == "searchResEntry")
            cookie = conn.result["controls"]["1.2.840.113556.1.4.319"]["value"]["cookie"]
            if not cookie:
                break
        conn.unbind()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return {"seconds": min(times), "all": times, "cpu": min(cpu), "entries": count, "attributes": attrs,
            "rss_mb": _rss_mb()}


def worker_sync(job: dict) -> dict:
    """(b), (c) and (d) for one backend, in one process."""
    from datetime import datetime, timedelta, timezone

    os.environ["VAKSAM_INSTANCE"] = job["instance"]
    for name in [n for n in os.environ if n.startswith("LDAP_") or n in ("DATABASE_URL", "DEMO_MODE")]:
        del os.environ[name]
    from flask_migrate import upgrade

    from app import create_app
    from directory.sync import run_sync

    app = create_app({"SQLALCHEMY_DATABASE_URI": job["database_url"], "SECRET_KEY": "bench", "DEMO_MODE": False,
                      "LOG_LEVEL": "WARNING", **_ldap_settings(job)})
    out: dict = {"backend": job["backend"]}
    now = datetime.now(timezone.utc)
    with app.app_context():
        upgrade()
        out["rss_start_mb"] = _rss_mb()
        for phase, when in (("b", now), ("c", now + timedelta(hours=1)), ("d", now + timedelta(hours=2))):
            if phase == "d":
                _ldapmodify(job, job["change_ldif"])
            t0, c0 = time.perf_counter(), time.process_time()
            result = run_sync(when, trigger="cli")
            seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
            if not result.ok:
                raise SystemExit(f"sync {phase} failed: {result.message}")
            out[phase] = {"seconds": seconds, "cpu": cpu, "rss_mb": _rss_mb(), **result.counts()}
    return out


def _ldapmodify(job: dict, path: str) -> None:
    subprocess.run(["ldapmodify", "-x", "-H", job["ldap_url"], "-D", job["admin_dn"], "-w", job["admin_password"],
                    "-f", path], check=True, stdout=subprocess.DEVNULL)


def run_worker(kind: str, job: dict) -> dict:
    """Run one measurement in a fresh Python process; its last stdout line is the JSON answer."""
    proc = subprocess.run([sys.executable, __file__, "--worker", kind, json.dumps(job)], cwd=ROOT,
                          stdout=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} measurement failed (exit {proc.returncode})")
    return json.loads(proc.stdout.strip().splitlines()[-1])


# --- the run ---------------------------------------------------------------------------------------

def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--people", type=int, default=55_000)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of (b, c, d) per backend, each into a fresh database; the best counts")
    parser.add_argument("--worker", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        kind, job = args.worker[0], json.loads(args.worker[1])
        print(json.dumps({"search": worker_search, "sync": worker_sync}[kind](job)))
        return 0

    from tests.services import Postgres, Slapd

    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    work = Path(tempfile.mkdtemp(prefix="vaksam-bench-"))
    slapd = Slapd(suffix=SUFFIX, size_limit=500, unlimited_dn=SYNC_DN, unlimited_password=SYNC_PASSWORD)
    postgres = None
    try:
        region, changed, job = _setup(args.people, slapd, work)
        searches = [_search(job, len(region.people), repeat=2)]  # the first one also warms slapd's cache
        results: dict[str, list] = {b: [] for b in backends}
        for rnd in range(args.repeat):
            for backend in backends:
                if backend == "postgresql":
                    postgres = postgres or Postgres().start()
                    url = postgres.create_database(f"vaksam_bench_{rnd}")
                else:
                    url = f"sqlite:///{work / f'bench-{rnd}.db'}"
                instance = work / f"instance-{backend}-{rnd}"
                instance.mkdir()
                res = run_worker("sync", {**job, "backend": backend, "database_url": url, "instance": str(instance)})
                _ldapmodify(job, str(work / "revert.ldif"))  # every round starts from the same directory
                searches.append(_search(job, len(region.people)))
                res["a"] = min(searches[-2]["seconds"], searches[-1]["seconds"])  # (a) just before and after
                res["a_cpu"] = min(searches[-2]["cpu"], searches[-1]["cpu"])
                results[backend].append(res)
                print(f"{backend} round {rnd + 1}: a {res['a']:.2f} s, b {res['b']['seconds']:.2f} s, "
                      f"c {res['c']['seconds']:.2f} s, d {res['d']['seconds']:.2f} s, "
                      f"peak RSS {_peak(res):.0f} MB", flush=True)
        return report(args.people, searches, results, changed)
    finally:
        slapd.stop()
        if postgres:
            postgres.stop()
        import shutil

        shutil.rmtree(work, ignore_errors=True)


def _setup(people: int, slapd, work: Path) -> tuple[Region, int, dict]:
    t0 = time.perf_counter()
    region = Region(people)
    ldif = region.ldif()
    forward, back, changed = region.changes()
    (work / "change.ldif").write_text(forward)
    (work / "revert.ldif").write_text(back)
    print(f"generated {len(region.people):,} people in {time.perf_counter() - t0:.1f} s; "
          f"{changed:,} will change before (d)", flush=True)
    t0 = time.perf_counter()
    slapd.load_ldif_offline(ldif)
    slapd.start()
    print(f"slapd loaded in {time.perf_counter() - t0:.1f} s ({slapd.uri})", flush=True)
    job = {"ldap_url": slapd.uri.rstrip("/"), "admin_dn": slapd.admin_dn, "admin_password": slapd.admin_password,
           "change_ldif": str(work / "change.ldif")}
    return region, changed, job


def _search(job: dict, expected: int, repeat: int = 1) -> dict:
    search = run_worker("search", {**job, "repeat": repeat})
    if search["entries"] != expected:
        raise RuntimeError(f"bare search returned {search['entries']} of {expected} entries")
    print(f"(a) bare paged search: {', '.join(f'{s:.2f}' for s in search['all'])} s", flush=True)
    return search


def _peak(res: dict) -> float:
    return max(res[p]["rss_mb"] for p in "bcd")


def report(people: int, searches: list[dict], results: dict[str, list], changed: int) -> int:
    """Print the table; exit status 1 if a target is missed. Per backend, the round with the
    best b/a counts; each round's (a) is the faster of the bare searches just before and after it."""
    ok = True
    print()
    print(f"Directory sync benchmark: {people:,} people, page size {PAGE_SIZE}, {os.cpu_count()} CPUs, "
          f"Python {sys.version.split()[0]}; (a) reads {len(searches[0]['attributes'])} attributes")
    head = (f"{'backend':<11} {'a read':>7} {'b first':>8} {'c again':>8} {'d 2 %':>8} {'b/a':>5} {'c/a':>5} "
            f"{'d/a':>5} {'peak RSS':>9}  verdict")
    print(head)
    print("-" * len(head))
    for backend, rounds in results.items():
        best = {p: min(rounds, key=lambda r: r[p]["seconds"] / r["a"]) for p in "bcd"}
        ratios = {f"{p}/a": best[p][p]["seconds"] / best[p]["a"] for p in "bcd"}
        peak = max(_peak(r) for r in rounds)
        misses = [f"{k} {v:.2f} > {TARGETS[k]}" for k, v in ratios.items() if k in TARGETS and v > TARGETS[k]]
        if peak > RSS_TARGET_MB:
            misses.append(f"RSS {peak:.0f} > {RSS_TARGET_MB} MB")
        ok = ok and not misses
        a = min(r["a"] for r in rounds)
        print(f"{backend:<11} {a:>6.2f}s " + " ".join(f"{best[p][p]['seconds']:>7.2f}s" for p in "bcd")
              + " " + " ".join(f"{v:>5.2f}" for v in ratios.values())
              + f" {peak:>6.0f} MB  {'PASS' if not misses else 'FAIL: ' + '; '.join(misses)}")
    print()
    print("CPU seconds of the client process (the same runs; slapd and PostgreSQL not included):")
    for backend, rounds in results.items():
        r = rounds[0]
        print(f"  {backend}: a {r['a_cpu']:.2f}, b {r['b']['cpu']:.2f}, c {r['c']['cpu']:.2f}, d {r['d']['cpu']:.2f}")
    for backend, rounds in results.items():
        r = rounds[0]
        counts = {p: {k: r[p][k] for k in ("created", "updated", "moved", "deactivated") if r[p][k]} for p in "bcd"}
        print(f"{backend}: counts {counts}; RSS after start {r['rss_start_mb']:.0f} MB, after b/c/d "
              f"{r['b']['rss_mb']:.0f}/{r['c']['rss_mb']:.0f}/{r['d']['rss_mb']:.0f} MB")
    print(f"(d) changed {changed:,} people ({CHANGE_SHARE:.0%}) before the sync")
    print(f"targets: b/a <= {TARGETS['b/a']}, c/a <= {TARGETS['c/a']}, peak RSS <= {RSS_TARGET_MB} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
