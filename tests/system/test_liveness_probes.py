"""`manage.py probe worker|relay|beat`, the liveness command of the processes that serve no
HTTP (common/liveness.py, docs/operations.md "Health"): it reads the heartbeat file the
process's loop touches. The command runs in this process, on a heartbeat directory of the
test's own; one test runs it as an orchestrator does, a command line in the container."""

import os
import re
import signal
import subprocess
import sys
import time
from io import StringIO
from typing import NamedTuple

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.processes import ROOT, RedisServer, Worker, environment, wait_for

MAX_AGE = 3  # the worker heartbeats every second (common.liveness.heartbeat_interval)


class Probe(NamedTuple):
    returncode: int
    stdout: str
    stderr: str


def probe(kind: str, liveness_dir, *args: str) -> Probe:
    """`manage.py probe <kind> <args>` on the heartbeats in `liveness_dir`: its exit code and
    what it wrote."""
    stdout, stderr = StringIO(), StringIO()
    with override_settings(LIVENESS_DIR=str(liveness_dir), LIVENESS_MAX_AGE_SECONDS=MAX_AGE):
        try:
            call_command("probe", kind, *args, stdout=stdout, stderr=stderr)
        except SystemExit as exited:
            return Probe(int(exited.code or 0), stdout.getvalue(), stderr.getvalue())
    return Probe(0, stdout.getvalue(), stderr.getvalue())


@pytest.mark.process
def test_the_command_line_exits_0_on_a_fresh_heartbeat_saying_so(tmp_path):
    # As the orchestrator runs it: manage.py answers it without loading the apps, its
    # settings from the environment (the default max age: a slow start is no stale heartbeat).
    (tmp_path / "beat.alive").touch()

    result = subprocess.run(
        [sys.executable, "manage.py", "probe", "beat"],
        cwd=ROOT,
        env={**environment(), "LIVENESS_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=30,
    )

    assert result.returncode == 0, result
    assert re.fullmatch(r"beat: alive, last heartbeat \d+\.\d s ago\n", result.stdout), result
    assert result.stderr == ""


def test_a_kind_with_no_heartbeat_yet_fails_saying_so(tmp_path):
    for kind in ("worker", "relay", "beat"):
        result = probe(kind, tmp_path)

        assert result.returncode == 1, result
        assert result.stderr.splitlines() == [
            f"{kind}: no heartbeat yet ({tmp_path / f'{kind}.alive'} does not exist)"
        ]


def test_a_stale_heartbeat_fails_with_its_age_and_max_age_overrides_the_setting(tmp_path):
    heartbeat = tmp_path / "relay.alive"
    heartbeat.touch()
    two_minutes_ago = time.time() - 120
    os.utime(heartbeat, (two_minutes_ago, two_minutes_ago))

    stale = probe("relay", tmp_path)
    longer = probe("relay", tmp_path, "--max-age", "300")

    assert stale.returncode == 1, stale
    # 120 s, and the moments since.
    assert re.fullmatch(rf"relay: last heartbeat 12\d s ago, more than {MAX_AGE} s\n", stale.stderr)
    assert longer.returncode == 0, longer
    assert re.fullmatch(r"relay: alive, last heartbeat 12\d\.\d s ago\n", longer.stdout)


class HeartbeatWorker(Worker):
    """A worker on a redis-server of the test's own: ready once it heartbeats."""

    def wait_ready(self, timeout: float = 60) -> None:
        alive = self.env["LIVENESS_DIR"] + "/worker.alive"
        wait_for(lambda: self.exited() or os.path.exists(alive), timeout, "the worker's heartbeat")

    def signal(self, signum) -> None:
        os.killpg(self.started().pid, signum)  # the worker and its pool process


@pytest.mark.process
def test_a_live_worker_passes_and_a_stopped_or_killed_one_fails_after_the_max_age(tmp_path):
    own_redis = RedisServer(tmp_path).start()
    env = {
        "CELERY_BROKER_URL": own_redis.url,
        "REDIS_URL": own_redis.url,
        "LIVENESS_DIR": str(tmp_path / "liveness"),
        "LIVENESS_MAX_AGE_SECONDS": str(MAX_AGE),
    }
    worker = HeartbeatWorker(tmp_path / "worker.log", env=env)
    try:
        worker.start()
        heartbeat = tmp_path / "liveness" / "worker.alive"
        first = os.stat(heartbeat).st_mtime
        # The loop renews the heartbeat (every second), so that it never gets MAX_AGE old.
        wait_for(lambda: os.stat(heartbeat).st_mtime > first, MAX_AGE, "a renewed heartbeat")
        alive = probe("worker", tmp_path / "liveness")
        assert alive.returncode == 0, alive

        worker.signal(signal.SIGSTOP)  # hung: the process is there, its loop does not turn
        hung = wait_for(
            lambda: (result := probe("worker", tmp_path / "liveness")).returncode and result,
            timeout=MAX_AGE + 10,
            message="the probe failing on a stopped worker",
        )
        assert hung.returncode == 1
        assert hung.stderr.startswith("worker: last heartbeat "), hung.stderr

        worker.signal(signal.SIGCONT)
        wait_for(
            lambda: probe("worker", tmp_path / "liveness").returncode == 0,
            timeout=MAX_AGE + 10,
            message="the probe passing once the worker goes on",
        )

        worker.kill()
        dead = wait_for(
            lambda: (result := probe("worker", tmp_path / "liveness")).returncode and result,
            timeout=MAX_AGE + 10,
            message="the probe failing on a killed worker",
        )
        assert dead.stderr.startswith("worker: last heartbeat "), dead.stderr
    finally:
        worker.stop()
        own_redis.stop()
