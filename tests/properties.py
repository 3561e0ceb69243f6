"""The size of the property tests (Hypothesis, and Schemathesis's generated requests): one
count for all of them, from the environment. `make test` runs each property test on a dozen
examples, enough to catch a property broken outright; `make soak` runs them on 500, where the
rare inputs turn up (README, "Testing")."""

import os
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from hypothesis import settings

# 12 in `make test`; `make soak` sets 500.
PROPERTY_EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "12"))
Test = TypeVar("Test", bound=Callable[..., Any])


def sized_property(**overrides: Any) -> Callable[[Test], Test]:
    """Decorates a property test, in place of Hypothesis's `@settings`: the run's examples
    (`PROPERTY_EXAMPLES`), no deadline (an example's time says nothing of a property: a
    database or a first import makes some slow), and the `sized` marker, so that `make soak`
    runs it at its long size. `overrides` are further Hypothesis settings, such as the
    health checks a test suppresses."""

    def decorate(test: Test) -> Test:
        sized = settings(max_examples=PROPERTY_EXAMPLES, deadline=None, **overrides)(test)
        return pytest.mark.sized(sized)

    return decorate
