"""Registering consumers (common/events/registry.py, docs/events.md "Adding an event"): one
handler of several types is one consumer per type, each under the name it is given."""

from collections import defaultdict

import pytest

from common.events import consumer, registry


@pytest.fixture(autouse=True)
def empty_registry(monkeypatch):
    """The test's consumers in a registry of their own, not among the apps'."""
    monkeypatch.setattr(registry, "_consumers", {})
    monkeypatch.setattr(registry, "_by_type", defaultdict(list))


def test_a_handler_of_several_types_is_a_consumer_of_each_under_its_own_name():
    @consumer(
        {"test.ping": "orders.test_ping", "test.pong": "orders.test_pong"}, app_label="orders"
    )
    def counter(event):
        pass

    ping, pong = registry.consumers_for("test.ping"), registry.consumers_for("test.pong")
    assert [(c.name, c.event_type, c.handler) for c in ping] == [
        ("orders.test_ping", "test.ping", counter)
    ]
    assert [(c.name, c.event_type, c.handler) for c in pong] == [
        ("orders.test_pong", "test.pong", counter)
    ]
    assert {c.app_label for c in ping + pong} == {"orders"}


def test_two_handlers_cannot_take_one_name_whichever_form_registers_them():
    @consumer("test.ping", name="orders.test_ping", app_label="orders")
    def first(event):
        pass

    with pytest.raises(ValueError, match=r"orders\.test_ping"):

        @consumer(
            {"test.pong": "orders.test_pong", "test.ping": "orders.test_ping"}, app_label="orders"
        )
        def second(event):
            pass


def test_a_single_type_needs_its_name_and_several_types_take_theirs_from_the_mapping():
    with pytest.raises(TypeError):
        consumer("test.ping", app_label="orders")
    with pytest.raises(TypeError):
        consumer({"test.ping": "orders.test_ping"}, name="orders.test_ping", app_label="orders")
