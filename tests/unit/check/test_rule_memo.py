"""The memo cache behind the check rules: same results as the function, bounded
in entries and never holding long strings."""

from __future__ import annotations

import pytest

from exporter.memo import memoised


def test_a_short_string_is_computed_once() -> None:
    calls: list[str] = []

    def upper(value: str) -> str:
        calls.append(value)
        return value.upper()

    cached = memoised(upper)
    assert [cached("ab"), cached("ab"), cached("cd")] == ["AB", "AB", "CD"]
    assert calls == ["ab", "cd"]


def test_a_long_string_is_computed_every_time_and_not_kept() -> None:
    calls: list[str] = []

    def size(value: str) -> int:
        calls.append(value)
        return len(value)

    cached = memoised(size, longest=4)
    assert [cached("12345"), cached("12345"), cached("1234"), cached("1234")] == [5, 5, 4, 4]
    assert calls == ["12345", "12345", "1234"]
    cache = cached.__self__  # type: ignore[attr-defined]
    assert list(cache) == ["1234"]


def test_the_cache_never_holds_more_than_its_entries() -> None:
    cached = memoised(str.upper, entries=3)
    results = [cached(str(number)) for number in range(10)]
    assert results == [str(number) for number in range(10)]
    assert len(cached.__self__) <= 3  # type: ignore[attr-defined]
    assert cached("x") == "X"


def test_an_exception_is_not_cached() -> None:
    calls: list[str] = []

    def fail_once(value: str) -> str:
        calls.append(value)
        if len(calls) == 1:
            raise ValueError(value)
        return value

    cached = memoised(fail_once)
    with pytest.raises(ValueError, match=r"^a$"):
        cached("a")
    assert cached("a") == "a"
    assert calls == ["a", "a"]
