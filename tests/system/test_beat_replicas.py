"""Two beats keep one schedule (config/beat.py, docs/operations.md "Beat: one schedule"):
each periodic task reaches the broker once per period, not once per beat, and when the
beat holding the lock is killed the other takes over within the lock's timeout. The beats
run on a redis-server of the test's own, their broker and their REDIS_URL; the test takes
the tasks off the queue itself, so that no worker's timing blurs the count."""

import json
import os
import signal
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable
from itertools import pairwise

import pytest
import redis
from django.test import override_settings

from common.management.commands.probe import probe
from tests.processes import Beat, RedisServer, wait_for

pytestmark = [pytest.mark.process, pytest.mark.xdist_group("machine")]

LOCK_TIMEOUT = 3
LOOP_INTERVAL = 1
# The periodic tasks this test makes short; every other one is first due a whole period (a
# minute or more) after the first beat starts, that is not within the test.
RELAY = "common.tasks.events_relay_task"
PERIODS = {RELAY: 1.0, "integrations.tasks.webhooks_dispatch_task": 2.0}
BEAT_ENV = {
    "EVENTS_RELAY_INTERVAL_SECONDS": "1",
    "WEBHOOKS_DISPATCH_INTERVAL_SECONDS": "2",
    "PAYMENTS_PENDING_SWEEP_INTERVAL_SECONDS": "600",
    "FINANCING_LENDER_POLL_SECONDS": "600",
    "CELERY_REDBEAT_LOCK_TIMEOUT": str(LOCK_TIMEOUT),
    "CELERY_BEAT_MAX_LOOP_INTERVAL": str(LOOP_INTERVAL),
    "CELERY_TASK_DEFAULT_QUEUE": "celery",
}


class Queue(threading.Thread):
    """The broker's queue, emptied by this thread as the beats fill it: each task's name and
    when it arrived."""

    def __init__(self, url: str):
        super().__init__(daemon=True)
        self.client = redis.Redis.from_url(url)
        self.sent: list[tuple[float, str]] = []
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            popped = self.client.brpop(["celery"], timeout=0.2)
            assert not isinstance(popped, Awaitable)  # a client of redis.Redis, not asyncio's
            if popped:
                self.sent.append((time.monotonic(), json.loads(popped[1])["headers"]["task"]))

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)
        assert not self.is_alive()

    def times(self, task: str) -> list[float]:
        return [at for at, name in self.sent if name == task]


def probe_beat(liveness_dir) -> tuple[bool, str]:
    """`manage.py probe beat --max-age 2` on a beat's heartbeat directory, run in this process
    (tests/system/test_liveness_probes.py runs the command line): whether it passes, and its
    line."""
    with override_settings(LIVENESS_DIR=str(liveness_dir)):
        return probe("beat", max_age=2)


def assert_once_per_period(queue: Queue) -> None:
    by_task = defaultdict(list)
    for at, task in queue.sent:
        by_task[task].append(at)
    assert set(by_task) == set(PERIODS)
    for task, times in by_task.items():
        gaps = [later - earlier for earlier, later in pairwise(times)]
        # Two beats sending the same due entry would put two messages within milliseconds;
        # one beat sends a period after its last send (the quarter is this thread's latency).
        assert min(gaps) >= PERIODS[task] / 4, f"{task} sent twice in a period: {gaps}"


def test_two_beats_send_each_task_once_per_period_and_one_takes_over_when_the_other_dies(
    tmp_path,
):
    own_redis = RedisServer(tmp_path).start()
    queue = Queue(own_redis.url)
    queue.start()

    def relayed() -> list[float]:
        return queue.times(RELAY)

    def beat(name: str) -> Beat:
        env = {
            **BEAT_ENV,
            "REDIS_URL": own_redis.url,
            "CELERY_BROKER_URL": own_redis.url,
            "LIVENESS_DIR": str(tmp_path / name),
        }
        return Beat(tmp_path / f"{name}.log", env=env)

    first, second = beat("first"), beat("second")
    try:
        first.start()
        wait_for(first.holds_lock, message="the first beat holding the lock")
        second.start()
        second_started = time.monotonic()
        wait_for(  # the schedule runs on, while the second beat waits
            lambda: len([at for at in relayed() if at > second_started]) >= 4,
            message="four relay runs with both beats up",
        )

        assert not second.holds_lock(), "one beat sends, the other waits"
        assert "Sending due task" not in second.log_path.read_text()
        assert len(relayed()) >= 4  # the schedule runs
        # The standby is alive too: it heartbeats while it waits for the lock (every loop
        # interval, well within the probe's two seconds).
        for name in ("second", "first"):
            alive, line = probe_beat(tmp_path / name)
            assert alive, line

        first.kill()
        killed_at = time.monotonic()
        wait_for(second.holds_lock, timeout=LOCK_TIMEOUT + LOOP_INTERVAL + 10)
        took_over_after = time.monotonic() - killed_at
        wait_for(
            lambda: len([at for at in relayed() if at > killed_at + took_over_after]) >= 3,
            message="the second beat going on with the schedule",
        )
    finally:
        for process in (first, second):
            process.stop()
        queue.stop()
        own_redis.stop()

    assert took_over_after <= LOCK_TIMEOUT + LOOP_INTERVAL + 4  # the timeout, not forever
    assert len([at for at in relayed() if at > killed_at + took_over_after]) >= 3, (
        "the second beat goes on with the schedule"
    )
    assert_once_per_period(queue)


def test_a_beat_paused_past_its_lock_sends_nothing_more_once_it_resumes(tmp_path):
    """A beat frozen longer than its lock's timeout (a paused VM, a long GC) finds the lock
    taken over when it wakes up: it exits instead of sending alongside the new holder."""
    own_redis = RedisServer(tmp_path).start()
    queue = Queue(own_redis.url)
    queue.start()
    env = {**BEAT_ENV, "REDIS_URL": own_redis.url, "CELERY_BROKER_URL": own_redis.url}
    first = Beat(tmp_path / "first.log", env=env)
    second = Beat(tmp_path / "second.log", env=env)
    try:
        first.start()
        wait_for(first.holds_lock, message="the first beat holding the lock")
        second.start()
        os.killpg(first.process.pid, signal.SIGSTOP)
        wait_for(second.holds_lock, timeout=LOCK_TIMEOUT + LOOP_INTERVAL + 10)
        sent_before = first.log_path.read_text().count("Sending due task")
        os.killpg(first.process.pid, signal.SIGCONT)

        returncode = first.process.wait(timeout=30)
        exited = time.monotonic()
        wait_for(  # the new holder goes on alone
            lambda: len([at for at in queue.times(RELAY) if at > exited]) >= 2,
            message="two relay runs after the first beat exited",
        )
    finally:
        for process in (first, second):
            process.stop()
        queue.stop()
        own_redis.stop()

    assert returncode != 0
    log = first.log_path.read_text()
    assert "LockNotOwnedError" in log, log[-3000:]
    assert log.count("Sending due task") == sent_before
    assert_once_per_period(queue)
