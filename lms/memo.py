"""What a worker keeps in its own memory, one mechanism for all: a bounded LRU map (cachetools) behind a lock.

Only values made from their key alone belong here: immutable content (a quiz version's parsed bank) or a rendering
whose key holds everything it depends on (a lesson's parts per language and version, a path per script root). Such
a value never goes stale and is the same for everyone who reaches it: a new version or setting is a new key, and
the bound keeps a worker's memory flat. A row of one person's figures (a course row of "my learning") may be
kept only so, keyed by every figure it shows: it is then the same HTML for whoever has those figures. Anything
else per user, or that changes, goes through ``lms.cache`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from threading import Lock
from typing import Generic, ParamSpec, TypeVar

from cachetools import LRUCache, cached

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
P = ParamSpec("P")
R = TypeVar("R")


class Memo(Generic[K, V]):
    """A bounded map, least recently used out first. The lock is there because a threaded server may read and fill
    it from two requests at once (cachetools' maps are not thread-safe: even a read reorders)."""

    __slots__ = ("kept", "lock")

    def __init__(self, maxsize: int) -> None:
        self.kept: LRUCache[K, V] = LRUCache(maxsize)
        self.lock = Lock()

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value kept for ``key``, or ``make()``'s, kept from now on."""
        found = self.find(key)
        if found is not None:
            return found
        value = make()  # outside the lock: making it may take a while (and the same value made twice is harmless)
        self.keep(key, value)
        return value

    def find(self, key: K) -> V | None:
        """The value kept for ``key``, None when there is none (for callers that keep only some values)."""
        with self.lock:
            return self.kept.get(key)

    def keep(self, key: K, value: V) -> None:
        with self.lock:
            self.kept[key] = value

    def values(self) -> list[V]:
        with self.lock:
            return list(self.kept.values())

    def clear(self) -> None:
        with self.lock:
            self.kept.clear()

    def __len__(self) -> int:
        return len(self.kept)


def memoized(maxsize: int) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorates a function of hashable arguments whose result depends on nothing else; its ``memo`` is the
    :class:`Memo` that keeps the results, keyed by the arguments."""

    def decorate(function: Callable[P, R]) -> Callable[P, R]:
        memo: Memo[Hashable, R] = Memo(maxsize)
        wrapper = cached(memo.kept, lock=memo.lock)(function)
        wrapper.memo = memo  # type: ignore[attr-defined]
        return wrapper

    return decorate
