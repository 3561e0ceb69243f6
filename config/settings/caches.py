"""REDIS, CACHE, CHANNELS: Redis when REDIS_URL is set (services mode), else in-process
(docs/operations.md, "Redis down is degraded"; docs/architecture.md §3.5)."""

from urllib.parse import urlsplit

from common.environment import env

# REDIS, CACHE, CHANNELS
# ------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
SERVICES_MODE = bool(REDIS_URL)

if SERVICES_MODE:
    _redis_cache = {
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "autosalon",
        # Redis down is degraded, not hung: every call gives up after a second.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    CACHES = {
        "default": {"BACKEND": "common.cache.SharedClientRedisCache", **_redis_cache},
        # Rate-limit counters, shared by every process; counted locally while Redis is down.
        "ratelimit": {"BACKEND": "common.cache.FallbackRedisCache", **_redis_cache},
    }
    # Redis pub/sub: a push is one PUBLISH, fanned out to the sockets by each server process.
    # At most once, the channel layer's contract (docs/architecture.md §3.5). Pub/sub channels are
    # shared by every Redis database, so the prefix names the database in use.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": f"autosalon{urlsplit(REDIS_URL).path.replace('/', '.')}",
            },
        }
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
