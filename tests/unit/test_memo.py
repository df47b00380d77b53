"""lms.memo: the one way a worker keeps values in its own memory (bounded, least recently used out, thread-safe)."""

from __future__ import annotations

import threading

from lms.memo import Memo, memoized


def test_a_value_is_made_once_and_then_kept():
    memo: Memo[str, list[str]] = Memo(4)
    made: list[str] = []
    first = memo.get("a", lambda: made.append("a") or ["A"])
    again = memo.get("a", lambda: made.append("a") or ["other"])
    assert first is again and again == ["A"] and made == ["a"]


def test_the_bound_drops_the_least_recently_used_first():
    memo: Memo[int, int] = Memo(2)
    memo.get(1, lambda: 10)
    memo.get(2, lambda: 20)
    memo.get(1, lambda: -1)  # 1 is now the most recent: 2 goes first
    memo.get(3, lambda: 30)
    assert len(memo) == 2 and sorted(memo.values()) == [10, 30]
    assert memo.get(2, lambda: 21) == 21  # made anew
    memo.clear()
    assert len(memo) == 0 and memo.values() == []


def test_a_failure_keeps_nothing():
    memo: Memo[str, int] = Memo(2)

    def broken() -> int:
        raise ValueError("no")

    for _ in range(2):
        try:
            memo.get("k", broken)
        except ValueError:
            pass
    assert len(memo) == 0 and memo.get("k", lambda: 1) == 1


def test_a_memoized_function_runs_once_per_arguments_within_its_bound():
    calls: list[tuple] = []

    @memoized(2)
    def square(n: int, *, plus: int = 0) -> int:
        calls.append((n, plus))
        return n * n + plus

    assert [square(2), square(2), square(3), square(2, plus=1), square(2, plus=1)] == [4, 4, 9, 5, 5]
    assert calls == [(2, 0), (3, 0), (2, 1)]
    assert len(square.memo) == 2  # type: ignore[attr-defined]
    assert square(2) == 4 and calls[-1] == (2, 0)  # (2,) had gone: the bound holds
    assert square.__name__ == "square"


def test_threads_filling_one_memo_at_once_stay_within_the_bound_and_agree():
    memo: Memo[int, int] = Memo(50)
    errors: list[BaseException] = []

    def work(offset: int) -> None:
        try:
            for i in range(2_000):
                key = (i * 7 + offset) % 120
                assert memo.get(key, lambda: key * 2) == key * 2
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(memo) == 50
