"""`flask --app app demo load|serve`: the one-command demo."""
from __future__ import annotations

import json

import click
from flask import current_app
from flask.cli import AppGroup

from demo import logins

demo = AppGroup("demo", help="The Region Exempel demo.")


@demo.command("load")
@click.option("--json", "as_json", is_flag=True)
def load(as_json):
    """Load (or refresh) the demo region; safe to run again."""
    from demo.load import load_demo

    result = load_demo()
    if as_json:
        click.echo(json.dumps(result))
        return
    click.echo(f"Demo region ready: { {k: v for k, v in result.items() if k != 'logins'} }")
    _print_logins()


def _print_logins() -> None:
    click.echo("  Log in as:")
    for row in logins.current():
        click.echo(f"    {row.role:<9} {row.username:<13} password: {row.password}")


@demo.command("serve")
@click.option("--host", default="127.0.0.1")
@click.option("--port", default=5000, type=int)
def serve(host, port):
    """Serve the demo with the scheduler running in the same process."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from werkzeug.serving import run_simple

    from jobs.runner import LeasedScheduler

    app = current_app._get_current_object()  # type: ignore[attr-defined]  # typed as Flask, is the proxy
    base = f"http://{host}:{port}"
    app.config["BASE_URL"] = base  # links in mails and calendar files point at this server
    leased = LeasedScheduler(app, BackgroundScheduler())
    leased.setup()
    leased.scheduler.start()
    click.echo("")
    click.echo(f"  Vaksam demo: {base}")
    _print_logins()
    click.echo("")
    try:
        # app.run() refuses to run inside the flask CLI; werkzeug's server is what it would use.
        run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        leased.shutdown()
