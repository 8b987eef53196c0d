"""`flask --app app scheduler` (the one scheduler process) and `flask --app app jobs …`."""
from __future__ import annotations

import json
import os
import signal

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from jobs.batch import freeze_loaded_app
from jobs.registry import all_jobs, get_job
from jobs.runner import LeasedScheduler, run_job


@click.command("scheduler")
@with_appcontext
def scheduler_command():
    """Run the scheduler in the foreground (one per installation; others wait)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # typed as Flask, is the proxy
    _lower_priority(int(app.config["SCHEDULER_NICE"]))
    leased = LeasedScheduler(app, BlockingScheduler())
    leased.setup()
    freeze_loaded_app()  # a full collection during a job then scans only what jobs create
    # SIGTERM: the running job finishes what it is doing (the outbox: the message in flight) and
    # stops; shutdown() below waits for it before the lease is released.
    signal.signal(signal.SIGTERM, lambda *_: leased.stop())
    click.echo(f"Scheduler started ({len(all_jobs(app))} jobs); lease {'held' if leased.has_lease else 'waiting'}.")
    try:
        leased.scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    finally:
        leased.shutdown()


def _lower_priority(nice: int) -> None:
    """Let web requests go first: the scheduler's jobs (a day rollover recomputing 55,000
    statuses, an outbox round) are CPU-bound batch work that can wait a moment for a core,
    a page cannot (docs/performance.md)."""
    if nice > 0:
        try:
            os.nice(nice)
        except OSError:  # not allowed here: run at the normal priority
            pass


jobs_group = AppGroup("jobs", help="Scheduled jobs.")


@jobs_group.command("list")
def list_jobs():
    """List the scheduled jobs."""
    for job in all_jobs(current_app):
        click.echo(f"{job.id:<32} {job.trigger} {job.trigger_args}")


@jobs_group.command("run")
@click.argument("job_id")
@click.option("--json", "as_json", is_flag=True)
def run(job_id, as_json):
    """Run one job now, outside the schedule."""
    try:
        job = get_job(job_id, current_app)
    except KeyError:
        raise click.ClickException(f"No such job: {job_id}") from None
    result = run_job(job)
    if as_json:
        click.echo(json.dumps({"job": job.id, "outcome": result.outcome, "message": result.message}))
    else:
        click.echo(f"{job.id}: {result.outcome} {result.message}")
    if result.outcome != "ok":
        raise SystemExit(1)
