"""Page cost at region scale (issue 19): each page's median ÷ the median of /healthz, measured
in the same run against gunicorn + PostgreSQL with 55,000 people in 2,260 units.

Pages: the director's "Mitt team" (everyone), a section lead's team page, the region page,
"Min utbildning", a person page and the plan page; requests to a page and to /healthz
alternate on the same keep-alive connection, so both see the same machine load.
Then the director's page again on a 5,000-person region: its time at 55,000 ÷ at 5,000.
And the weight (bytes) of the director's page.

Goals: each page ≤ 5× /healthz; director 55k ÷ 5k ≤ 1.3; director's page ≤ 150 KB.
Usage: python bench/pages.py [--people N] [--requests N]. Exit status 1 if a goal is missed.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.region import Client, median, region  # noqa: E402


def pages(r) -> list[tuple[str, str, str]]:
    """(label, user role, path)."""
    return [("director team", "director", "/training/team"), ("lead team", "lead", "/training/team"),
            ("region", "admin", "/admin/training/region"), ("Min utbildning", "employee", "/training/mine"),
            ("person page", "lead", f"/training/people/{r.person_id}"), ("plan", "comms", "/plan")]


def measure(client: Client, path: str, n: int) -> tuple[float, float, int]:
    """Median seconds of `path` and of /healthz (interleaved), and the page's size."""
    for _ in range(3):
        client.get(path)
        client.get("/healthz")
    page, health, size = [], [], 0
    for _ in range(n):
        for target, samples in ((path, page), ("/healthz", health)):
            start = time.perf_counter()
            status, length = client.get(target)
            samples.append(time.perf_counter() - start)
            if status != 200:
                raise RuntimeError(f"{target} answered {status}")
            if target == path:
                size = length
    return median(page), median(health), size


def run_pages(r, n: int) -> dict:
    users = r.users
    results = {}
    for label, role, path in pages(r):
        client = Client(r.base)
        client.login(users[role])
        results[label] = measure(client, path, n)
        client.close()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=55_000)
    parser.add_argument("--small", type=int, default=5_000, help="People in the comparison region.")
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    with region(args.people, completions=args.people * 3, name="vaksam_pages") as r:
        big = run_pages(r, args.requests)
    with region(args.small, completions=args.small * 3, name="vaksam_pages_small") as r:
        client = Client(r.base)
        client.login("user1")
        small = measure(client, "/training/team", args.requests)
        client.close()
    failed = False
    print(f"{'page':<16} {'median ms':>10} {'healthz ms':>11} {'ratio':>6}  goal ≤ 5")
    for label, (page, health, _size) in big.items():
        ratio = page / health
        failed |= ratio > 5
        print(f"{label:<16} {page * 1000:>10.1f} {health * 1000:>11.2f} {ratio:>6.1f}  {'ok' if ratio <= 5 else 'MISSED'}")
    d55, h55, weight = big["director team"]
    d5, h5, _ = small
    scale = (d55 / h55) / (d5 / h5)  # each against its own /healthz: the two runs may see different loads
    failed |= scale > 1.3 or weight > 150 * 1024
    print(f"director team at {args.people} ÷ at {args.small} (each ÷ its /healthz): {scale:.2f}  goal ≤ 1.3"
          f"  ({d55 * 1000:.1f} ms vs {d5 * 1000:.1f} ms)")
    print(f"director team page weight: {weight / 1024:.0f} KB  goal ≤ 150 KB")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
