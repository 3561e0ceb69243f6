"""Beat's scheduler: one schedule however many beats run (docs/operations.md, "Beat: one
schedule"). celery-redbeat keeps the schedule (each entry's last run) and a lock in Redis;
the beat holding the lock sends the due tasks and renews the lock on every tick, the others
wait for the lock and take over when its holder stops renewing it. Each touches its
heartbeat file, the waiting ones too: a standby is healthy (common/liveness.py)."""

from celery import signals
from celery.utils.log import get_logger
from redbeat.schedulers import (
    LUA_EXTEND_TO_SCRIPT,
    RedBeatConfig,
    RedBeatScheduler,
    acquire_distributed_beat_lock,
    get_redis,
)

from common.liveness import heartbeat

logger = get_logger("celery.beat")


class Config(RedBeatConfig):
    """redbeat's settings under Django's CELERY_ namespace (CELERY_REDBEAT_REDIS_URL...):
    redbeat looks for them without it, and else falls back on the broker's URL and options."""

    def is_key_in_conf(self, name):
        return name.lower() in self.app.conf or super().is_key_in_conf(name)


class BeatScheduler(RedBeatScheduler):
    def __init__(self, app, *args, **kwargs):
        app.redbeat_conf = Config(app)
        super().__init__(app, *args, **kwargs)

    def tick(self, *args, **kwargs):
        heartbeat("beat")
        return super().tick(*args, **kwargs)

    def apply_async(self, entry, producer=None, advance=True, **kwargs):
        """Renews the lock before each send. A tick slowed down (a broker that does not
        answer) past the lock's timeout then stops here, before it reserves the entry,
        instead of sending alongside the beat that has taken over; beat exits at its next
        tick and comes back as a standby."""
        if self.lock is not None:
            self.lock.extend(int(self.lock_timeout))  # LockNotOwnedError once taken over
        return super().apply_async(entry, producer, advance, **kwargs)


# redbeat's own acquisition blocks in one call until the lock is free; this one waits in
# steps of the loop interval and heartbeats between them.
signals.beat_init.disconnect(acquire_distributed_beat_lock)


@signals.beat_init.connect
def lock_acquire(sender=None, **kwargs):
    """As redbeat's `acquire_distributed_beat_lock`, but a standby heartbeats while it
    waits for the lock."""
    scheduler = sender.scheduler
    if not isinstance(scheduler, RedBeatScheduler) or not scheduler.lock_key:
        return
    client = get_redis(scheduler.app)
    lock = client.lock(
        scheduler.lock_key, timeout=scheduler.lock_timeout, sleep=min(1, scheduler.max_interval)
    )
    # redbeat's script: extend sets the expiry to the timeout, redis-py's would add to it.
    lock.lua_extend = client.register_script(LUA_EXTEND_TO_SCRIPT)
    logger.info("beat: Waiting for the lock %s", scheduler.lock_key)
    heartbeat("beat")
    while not lock.acquire(blocking_timeout=scheduler.max_interval):
        heartbeat("beat")
    logger.info("beat: Acquired lock")
    scheduler.lock = lock
