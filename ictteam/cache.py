"""A Redis cache that is optional: while Redis is down or hung, pages go on without it.

The site keeps nothing in the cache that it cannot do without: limits that count
requests (the password-reset limit, the provider login's rate limits) and one-time
marks. Django's Redis cache raises on every call while Redis cannot be reached; this one
logs a warning and answers as an empty cache that keeps nothing, so every limit lets the
request through (fails open) until Redis is back, and ``/health/`` reports the cache
down (its probe reads back nothing). While Redis answers, it is Django's cache, unchanged.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class ForgivingRedisCacheClient(RedisCacheClient):
    """Each call that fails answers as an empty cache that keeps nothing."""

    def _forgive(self, fallback: Any, name: str, *args: Any) -> Any:
        try:
            return getattr(super(), name)(*args)
        except (RedisError, OSError):
            logger.warning("Cache unavailable: %s skipped.", name, exc_info=True)
            return fallback

    def add(self, *args: Any) -> Any:
        # "Added": a caller that waits for its own key (a lock) must not wait forever.
        return self._forgive(True, "add", *args)

    def get(self, key: Any, default: Any) -> Any:
        return self._forgive(default, "get", key, default)

    def set(self, *args: Any) -> Any:
        return self._forgive(None, "set", *args)

    def touch(self, *args: Any) -> Any:
        return self._forgive(False, "touch", *args)

    def delete(self, *args: Any) -> Any:
        return self._forgive(False, "delete", *args)

    def get_many(self, *args: Any) -> Any:
        return self._forgive({}, "get_many", *args)

    def has_key(self, *args: Any) -> Any:
        return self._forgive(False, "has_key", *args)

    def incr(self, key: Any, delta: Any) -> Any:
        return self._forgive(delta, "incr", key, delta)

    def set_many(self, *args: Any) -> Any:
        return self._forgive(None, "set_many", *args)

    def delete_many(self, *args: Any) -> Any:
        return self._forgive(None, "delete_many", *args)

    def clear(self) -> Any:
        return self._forgive(False, "clear")


class ForgivingRedisCache(RedisCache):
    """Django's Redis cache with :class:`ForgivingRedisCacheClient`."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = ForgivingRedisCacheClient
