"""Answers that take the same time whatever they found: a view's answer to a POST held until
a floor of time has passed since the request came (docs/security.md, "Account
enumeration")."""

import functools
import time
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from django.conf import settings

P = ParamSpec("P")
R = TypeVar("R")


def answers_after(setting: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Holds the decorated view's answer to a POST, and its error, until the seconds the
    setting named `setting` holds have passed since it was called: a floor above the work
    the view does either way, so that the work's own time never shows. A GET (the form
    shown) is not held; 0 holds nothing. The view is a function of the request or a DRF
    view's method (`self`, then the request)."""

    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(view)
        def held(*args: P.args, **kwargs: P.kwargs) -> R:
            request = next(arg for arg in args if hasattr(arg, "method"))
            due = time.monotonic() + getattr(settings, setting)
            try:
                return view(*args, **kwargs)
            finally:
                if request.method == "POST":
                    time.sleep(max(0.0, due - time.monotonic()))

        return held

    return decorate
