"""Counting failed attempts with a lock-out, shared across workers.

Redis when ``REDIS_URL`` is configured (every gunicorn worker sees the same counters), an
in-process dictionary otherwise (enough for a single process, e.g. the tests' app).
"""

from __future__ import annotations

import threading
import time
from typing import Protocol


class AttemptStore(Protocol):
    def failures(self, key: str) -> int: ...
    def fail(self, key: str, window_seconds: int) -> int: ...
    def reset(self, key: str) -> None: ...


class MemoryStore:
    def __init__(self) -> None:
        self._data: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def failures(self, key: str) -> int:
        with self._lock:
            count, expires = self._data.get(key, (0, 0.0))
            return count if expires > time.monotonic() else 0

    def fail(self, key: str, window_seconds: int) -> int:
        with self._lock:
            count, expires = self._data.get(key, (0, 0.0))
            now = time.monotonic()
            if expires <= now:
                count, expires = 0, now + window_seconds
            self._data[key] = (count + 1, expires)
            return count + 1

    def reset(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)


class RedisStore:
    def __init__(self, url: str) -> None:
        import redis

        self._redis = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def failures(self, key: str) -> int:
        value = self._redis.get(key)
        return int(value) if value else 0

    def fail(self, key: str, window_seconds: int) -> int:
        pipe = self._redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window_seconds, nx=True)
        count, _ = pipe.execute()
        return int(count)

    def reset(self, key: str) -> None:
        self._redis.delete(key)


class LoginLimiter:
    """``max_failures`` wrong passwords within ``lock_seconds`` lock the account for that long."""

    def __init__(self, store: AttemptStore, prefix: str, max_failures: int = 10, lock_seconds: int = 15 * 60):
        self.store, self.prefix = store, prefix
        self.max_failures, self.lock_seconds = max_failures, lock_seconds

    def _key(self, account: str) -> str:
        return f"{self.prefix}:{account}"

    def locked(self, account: str) -> bool:
        return self.store.failures(self._key(account)) >= self.max_failures

    def failed(self, account: str) -> None:
        self.store.fail(self._key(account), self.lock_seconds)

    def succeeded(self, account: str) -> None:
        self.store.reset(self._key(account))


def make_store(redis_url: str | None) -> AttemptStore:
    return RedisStore(redis_url) if redis_url else MemoryStore()
