"""Asking several backing services at once, for as long as a page may wait (`/health/components`,
`/metrics`): one that has not answered by the deadline is left out, and its thread ends on
its own when its service gives up."""

from collections.abc import Callable, Hashable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import TypeVar

from django.db import connections

_K = TypeVar("_K", bound=Hashable)
_T = TypeVar("_T")


def _in_own_thread(call: Callable[[], _T]) -> _T:
    try:
        return call()
    finally:
        connections.close_all()  # this thread's connections go back to their pools


def finished_within(
    calls: Mapping[_K, Callable[[], _T]], *, seconds: float
) -> dict[_K, Future[_T]]:
    """Run every call in a thread of its own; the futures of those done within `seconds`."""
    executor = ThreadPoolExecutor(max_workers=len(calls), thread_name_prefix="deadline")
    futures = {key: executor.submit(_in_own_thread, call) for key, call in calls.items()}
    done, _ = wait(futures.values(), timeout=seconds)
    executor.shutdown(wait=False, cancel_futures=True)
    return {key: future for key, future in futures.items() if future in done}
