"""`flask --app app directory sync [--dry-run] [--json]`."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import AppGroup

from models import utcnow

directory_group = AppGroup("directory", help="The staff directory (LDAP / Active Directory).")


class Progress:
    """A one-line progress display on a terminal; silent otherwise."""

    def __init__(self, enabled: bool):
        self.enabled = enabled
        self.pages = self.read = self.written = 0

    def page(self, pages: int, entries: int) -> None:
        self.pages, self.read = pages, entries
        self._draw()

    def write(self, written: int) -> None:
        self.written = written
        self._draw()

    def _draw(self) -> None:
        if self.enabled:
            sys.stderr.write(f"\rPages read: {self.pages}  people read: {self.read}  people written: {self.written}")
            sys.stderr.flush()

    def done(self) -> None:
        if self.enabled and (self.pages or self.written):
            sys.stderr.write("\n")


@directory_group.command("sync")
@click.option("--dry-run", is_flag=True, help="Read and plan only; change nothing.")
@click.option("--changes", is_flag=True,
              help="Only entries changed since the last --changes run (no deletions: the full sync does those).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object on stdout.")
def sync(dry_run: bool, changes: bool, as_json: bool):
    """Run a full sync from the directory (all-or-nothing), or an incremental one."""
    if changes and dry_run:
        raise click.UsageError("--changes cannot be combined with --dry-run")
    from directory.changes import run_changes  # the sync modules load only when a sync runs
    from directory.runs import EXIT_BUSY
    from directory.sync import run_sync

    progress = Progress(enabled=not as_json and sys.stderr.isatty() and not changes)
    if changes:
        result = run_changes(utcnow())
    else:
        result = run_sync(utcnow(), dry_run=dry_run, trigger="cli", on_page=progress.page, on_write=progress.write)
    progress.done()
    if result.busy:  # another sync holds the lease: nothing was run or recorded
        if as_json:
            click.echo(json.dumps(result.as_json(), ensure_ascii=False))
        click.echo(f"{'Incremental sync' if changes else 'Sync'} not started. {result.message}", err=True)
        raise SystemExit(EXIT_BUSY)
    if as_json:
        click.echo(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        prefix = "Dry run: " if dry_run else ""
        if result.ok:
            counts = ", ".join(f"{k} {v}" for k, v in result.counts().items())
            click.echo(f"{prefix}sync ok in {result.seconds:.1f} s: {counts}")
            for key, items in result.problems.items():
                if items:
                    click.echo(f"  {key}: {len(items)}")
        else:
            click.echo(f"{prefix}sync failed: {result.message}", err=True)
    if not result.ok:
        raise SystemExit(1)
