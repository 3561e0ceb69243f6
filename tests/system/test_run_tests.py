"""scripts/run_tests.py, what `make test` starts pytest through: services of the run's own,
and nothing left behind when it is stopped (docs/conventions.md, "Tests")."""

import json
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from django.conf import settings

from tests.processes import wait_for

pytestmark = pytest.mark.process  # it starts the script, a PostgreSQL and a Redis each

ROOT = Path(__file__).resolve().parents[2]

# The command each run runs: it says what it was given, leaves a process of its own behind
# (a new session, so no signal to its group reaches it), and waits to be stopped.
COMMAND = """
import json, os, subprocess, sys, time
orphan = subprocess.Popen(["sleep", "600"], start_new_session=True)
seen = {k: v for k, v in os.environ.items() if k.startswith(("DATABASE_URL_", "REDIS_URL"))}
with open(sys.argv[1], "w") as out:
    json.dump({"env": seen, "orphan": orphan.pid, "me": os.getpid()}, out)
time.sleep(600)
"""


def run_started(tmp_path: Path, name: str) -> tuple[subprocess.Popen, Path]:
    report = tmp_path / f"{name}.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TEST_DATABASE", "TEST_REDIS"))}
    process = subprocess.Popen(
        [sys.executable, "scripts/run_tests.py", sys.executable, "-c", COMMAND, str(report)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, report


def alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def test_two_runs_at_once_share_nothing_and_a_stopped_one_leaves_no_process(tmp_path):
    runs = {name: run_started(tmp_path, name) for name in ("first", "second")}
    try:
        for process, report in runs.values():
            wait_for(lambda r=report, p=process: r.exists() or p.poll() is not None, 120)
        reports = {name: json.loads(report.read_text()) for name, (_, report) in runs.items()}
        processes = {
            name: [psutil.Process(report["orphan"]), psutil.Process(report["me"])]
            for name, report in reports.items()
        }
        first, second = reports["first"]["env"], reports["second"]["env"]
        # Their own server (a socket each), database names and Redis.
        assert len(first) == len(second) == len(settings.DATABASES) + 1
        assert set(first.values()).isdisjoint(second.values())
        assert first["DATABASE_URL_CATALOG"].startswith("postgresql://postgres@%2Ftmp%2F")
        servers = {}
        for name, (process, _report) in runs.items():
            servers[name] = [
                child
                for child in psutil.Process(process.pid).children(recursive=True)
                if child.name() in ("postgres", "redis-server")
            ]
            assert {child.name() for child in servers[name]} == {"postgres", "redis-server"}

        # Stopped as CI's time limit or Ctrl-C would: the command, what it left behind and
        # the services all go, and the run says it was stopped.
        runs["first"][0].send_signal(signal.SIGTERM)
        runs["second"][0].send_signal(signal.SIGINT)
        codes = {name: process.wait(60) for name, (process, _) in runs.items()}
    finally:
        for process, _ in runs.values():
            if process.poll() is None:
                process.kill()

    assert codes == {"first": 128 + signal.SIGTERM, "second": 128 + signal.SIGINT}
    for name in reports:
        left = [
            f"{process.pid} {process.name()} {process.status()}"
            for process in [*processes[name], *servers[name]]
            if alive(process)
        ]
        assert left == [], f"{name} left {left}"
        said = runs[name][0].stdout.read()
        directory = Path(re.search(r"PostgreSQL at (\S+)/postgres", said)[1])
        assert not directory.exists(), f"{name} left {directory}"
