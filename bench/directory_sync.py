"""Benchmark of the directory sync against a real slapd (not a timed test).

Generates a realistic region directory (default 55,000 people), bulk-loads it into a
throwaway slapd and measures, in one run:

  (a) a bare ldap3 paged search reading the same attributes the sync reads,
  (b) the first full sync into an empty database,
  (c) a second sync with no changes,
  (d) a sync after 2 % of the people changed (titles, moves between sections,
      manager changes, name/mail changes),
  (e) an incremental sync (`directory sync --changes`) after another 1 % changed
      (a first --changes run just before takes the directory's high-water mark),
  (L) `ldapsearch` (OpenLDAP's C client) reading the same entries and attributes,

on SQLite and on PostgreSQL, and prints b/a, c/a, d/a, e/a, c/L, d/L and the peak RSS
of the sync process against the targets (b/a <= 1.5, c/a <= 1.2, e/a <= 0.3, peak RSS
<= 400 MB). (a) is also read through directory.client with LDAP_FAST_DECODE=1 and =0.

Each measurement runs in its own child process, so a peak RSS belongs to one backend.
The parts live in bench/dirsync/ (region, workers, report); this script keeps the CLI.
slapd and PostgreSQL are throwaway servers (tests/services.py), stopped at the end.

    .venv/bin/python bench/directory_sync.py [--people 55000] [--backend sqlite|postgresql|both]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dirsync.region import INCREMENTAL_SHARE, SUFFIX, SYNC_DN, SYNC_PASSWORD, Region  # noqa: E402
from bench.dirsync.report import bare_search, ldapsearch_read, peak_rss, report  # noqa: E402
from bench.dirsync.workers import ldapmodify, run_worker, worker_search, worker_sync  # noqa: E402

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
        searches = [bare_search(job, len(region.people), repeat=2, client=True)]  # the first one also warms slapd's cache
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
                ldapmodify(job, str(work / "revert1.ldif"))  # every round starts from the same directory
                ldapmodify(job, str(work / "revert.ldif"))
                searches.append(bare_search(job, len(region.people)))
                res["a"] = min(searches[-2]["seconds"], searches[-1]["seconds"])  # (a) just before and after
                res["a_cpu"] = min(searches[-2]["cpu"], searches[-1]["cpu"])
                res["L"] = ldapsearch_read(job, len(region.people))
                results[backend].append(res)
                print(f"{backend} round {rnd + 1}: a {res['a']:.2f} s, b {res['b']['seconds']:.2f} s, "
                      f"c {res['c']['seconds']:.2f} s, d {res['d']['seconds']:.2f} s, e {res['e']['seconds']:.2f} s, "
                      f"ldapsearch {res['L']:.2f} s, "
                      f"peak RSS {peak_rss(res):.0f} MB", flush=True)
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
    forward1, back1, changed1 = region.changes(INCREMENTAL_SHARE, seed=8)
    (work / "change1.ldif").write_text(forward1)
    (work / "revert1.ldif").write_text(back1)
    print(f"generated {len(region.people):,} people in {time.perf_counter() - t0:.1f} s; "
          f"{changed:,} will change before (d)", flush=True)
    t0 = time.perf_counter()
    slapd.load_ldif_offline(ldif)
    slapd.start()
    print(f"slapd loaded in {time.perf_counter() - t0:.1f} s ({slapd.uri})", flush=True)
    job = {"ldap_url": slapd.uri.rstrip("/"), "admin_dn": slapd.admin_dn, "admin_password": slapd.admin_password,
           "change_ldif": str(work / "change.ldif"), "incremental_ldif": str(work / "change1.ldif")}
    return region, changed, job


if __name__ == "__main__":
    sys.exit(main())
