"""A failure inside a thread fails the test: through the shared helper, and in a bare thread
through the suite's warning filters."""

import threading
import tomllib
from pathlib import Path

import pytest

from conftest import run_concurrently


def test_a_failing_assert_in_one_thread_fails_the_caller():
    finished = []
    lock = threading.Lock()

    def call():
        with lock:
            turn = len(finished)
            finished.append(turn)
        assert turn != 2, "the third thread fails on purpose"

    with pytest.raises(AssertionError, match="on purpose"):
        run_concurrently(5, call)
    assert len(finished) == 5  # the other threads ran to the end first


def test_the_results_of_every_thread_come_back_when_none_fails():
    counter = iter(range(100))
    lock = threading.Lock()

    def call():
        with lock:
            return next(counter)

    assert sorted(run_concurrently(4, call)) == [0, 1, 2, 3]


@pytest.mark.process
def test_an_exception_in_a_bare_thread_fails_under_the_suites_warning_filters(pytester):
    pyproject = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    filters = pyproject["tool"]["pytest"]["ini_options"]["filterwarnings"]
    pytester.makeini("[pytest]\nfilterwarnings =\n" + "".join(f"    {f}\n" for f in filters))
    pytester.makepyfile(
        """
        import threading

        def test_a_thread_fails():
            def fail():
                assert False, "inside a thread"
            thread = threading.Thread(target=fail)
            thread.start()
            thread.join()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:django", "-p", "no:cacheprovider")
    result.assert_outcomes(failed=1)
