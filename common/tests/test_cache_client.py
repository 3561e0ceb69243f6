"""The Redis cache keeps one redis-py client per pool and counts in one round trip, with
Django's meaning of `incr` (common/cache.py)."""

import uuid

import pytest
from django.core.cache import caches


@pytest.mark.parametrize("alias", ["default", "ratelimit"])
def test_every_call_uses_the_same_client(alias):
    client = caches[alias]._cache

    assert client.get_client() is client.get_client(write=True)


def test_incr_counts_what_exists_and_keeps_its_expiry():
    cache = caches["ratelimit"]
    key = f"test:{uuid.uuid4().hex}"
    cache.add(key, 0, 30)

    assert [cache.incr(key) for _ in range(3)] == [1, 2, 3]
    assert cache.get(key) == 3
    redis = cache._cache.get_client()
    assert 0 < redis.ttl(cache.make_and_validate_key(key)) <= 30


def test_incr_of_a_missing_key_fails_as_djangos_does_and_creates_nothing():
    cache = caches["ratelimit"]
    key = f"test:{uuid.uuid4().hex}"

    with pytest.raises(ValueError, match="not found"):
        cache.incr(key)
    assert cache.get(key) is None
