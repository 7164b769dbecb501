"""`trato run`: Flask's development server, with a job worker of its own unless one runs elsewhere.

The worker is a child process (`trato worker`), not a thread of the server:
it survives the reloader restarting the server, keeps jobs off the
request threads' interpreter lock, and is the very command a production
install runs, so nothing is tested only in one mode. It stops with the
server: on Ctrl+C or SIGTERM the server stops it gracefully, and it stops
itself if the server is killed outright (consumers.ConsumerBeat).
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from types import FrameType
from typing import Any

import click
from flask.cli import ScriptInfo, run_command
from huey import Huey

from ..consumers import PARENT_ENV, last_seen
from ..models import utcnow

STOP_WAIT = 30  # seconds a worker gets to finish its current step before it is killed
START_WAIT = 60  # seconds the server waits at most for its worker's first heartbeat


def _wants_worker(info: ScriptInfo) -> bool:
    """Whether this server should start a worker: not with jobs run at once, nor when told one runs elsewhere."""
    settings = info.load_app().extensions["trato"].settings
    return settings.run_worker and not settings.jobs_immediate


def _await_first_beat(huey: Huey, child: subprocess.Popen[bytes], since: datetime) -> None:
    """Serve once the worker says it is alive (or has given up), so that its start-up lines come before the
    server's and whoever waits for the server (the quickstart) also waits for the worker."""
    deadline = time.monotonic() + START_WAIT
    while time.monotonic() < deadline and child.poll() is None:
        try:
            seen = last_seen(huey)
        except Exception:  # the queue's tables are made by the worker as it starts: not there yet
            seen = None
        if seen is not None and seen >= since:
            return
        time.sleep(0.2)
    if child.poll() is not None:
        click.echo(f"The job worker stopped (exit status {child.returncode}); jobs will wait. "
                   "See its message above.", err=True)


@contextmanager
def _worker(huey: Huey) -> Iterator[subprocess.Popen[bytes]]:
    """A `trato worker` child for as long as the block runs; SIGTERM to the server ends the block too."""
    env = {**os.environ, PARENT_ENV: str(os.getpid())}
    since = utcnow().replace(microsecond=0)
    child = subprocess.Popen([sys.executable, "-m", "trato.cli", "worker"], env=env, stdin=subprocess.DEVNULL)
    click.echo(f"Started a job worker (process {child.pid}); it stops with the server.")
    _await_first_beat(huey, child, since)

    def _terminated(_signum: int, _frame: FrameType | None) -> None:
        raise SystemExit(0)

    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        yield child
    finally:
        signal.signal(signal.SIGTERM, previous)
        child.send_signal(signal.SIGINT)  # graceful: the current step ends, the job is resumed later if needed
        try:
            child.wait(timeout=STOP_WAIT)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


@click.command("run", params=list(run_command.params),
               help="Run the development server and, unless `run_worker` is off, a job worker with it.")
@click.pass_context
def run(ctx: click.Context, **options: Any) -> None:
    # Under the reloader this runs twice: in the watching parent (which starts the worker) and in the
    # serving child it restarts, marked by WERKZEUG_RUN_MAIN (which must not start another).
    info = ctx.ensure_object(ScriptInfo)
    if os.environ.get("WERKZEUG_RUN_MAIN") == "true" or not _wants_worker(info):
        ctx.invoke(run_command, **options)
        return
    with _worker(info.load_app().extensions["trato"].huey):
        ctx.invoke(run_command, **options)
