"""Shared date parsing: RFC 3339, RFC 822/2822 verdicts, W3C-DTF, plausibility."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from exporter.check.dates import (
    DateStatus,
    check_rfc822,
    check_rfc3339,
    check_w3cdtf,
    implausibility,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2006-01-02T15:04:05Z", datetime(2006, 1, 2, 15, 4, 5, tzinfo=UTC)),
        (
            "2006-01-02T15:04:05.25+01:30",
            datetime(2006, 1, 2, 15, 4, 5, 250000, tzinfo=timezone(timedelta(hours=1.5))),
        ),
        ("2006-01-02T23:59:60Z", datetime(2006, 1, 2, 23, 59, 59, tzinfo=UTC)),
    ],
)
def test_rfc3339_valid(text: str, expected: datetime) -> None:
    result = check_rfc3339(text)
    assert result.ok
    assert result.value == expected


@pytest.mark.parametrize(
    "text",
    [
        "2006-01-02",  # a bare date
        "2006-01-02T15:04:05",  # no zone
        "2006-01-02 15:04:05Z",  # space instead of T
        "2006-02-30T00:00:00Z",  # not a calendar date
        "2006-01-02T24:00:00Z",  # hour out of range
        "2006-01-02T15:04:05+25:00",  # offset out of range
        "2006-01-02T15:04:05.Z",  # empty fraction
        " 2006-01-02T15:04:05Z",  # surrounding whitespace is the caller's business
    ],
)
def test_rfc3339_invalid(text: str) -> None:
    result = check_rfc3339(text)
    assert (result.status, result.value) == (DateStatus.INVALID, None)
    assert result.reason


@pytest.mark.parametrize(
    ("text", "status", "utc"),
    [
        ("Mon, 02 Jan 2006 15:04:05 +0000", DateStatus.VALID, datetime(2006, 1, 2, 15, 4, 5)),
        ("02 Jan 2006 15:04 GMT", DateStatus.VALID, datetime(2006, 1, 2, 15, 4)),
        ("Mon, 02 Jan 2006 10:04:05 EST", DateStatus.VALID, datetime(2006, 1, 2, 15, 4, 5)),
        ("Mon, 02 Jan 2006 17:04:05 +0200", DateStatus.VALID, datetime(2006, 1, 2, 15, 4, 5)),
        ("Mon, 02 Jan 06 15:04:05 +0000", DateStatus.PROBLEMATICAL, datetime(2006, 1, 2, 15, 4, 5)),
        ("Mon, 02 Jan 99 15:04:05 +0000", DateStatus.WRONG_WEEKDAY, datetime(1999, 1, 2, 15, 4, 5)),
        ("mon, 02 jan 2006 15:04:05 gmt", DateStatus.PROBLEMATICAL, datetime(2006, 1, 2, 15, 4, 5)),
        ("Mon,02 Jan 2006 15:04:05 Z", DateStatus.PROBLEMATICAL, datetime(2006, 1, 2, 15, 4, 5)),
        ("Mon, 02 Jan 2006 15:04:05 A", DateStatus.PROBLEMATICAL, datetime(2006, 1, 2, 15, 4, 5)),
        ("Mon, 02 Jan 2006 15:04:05", DateStatus.PROBLEMATICAL, datetime(2006, 1, 2, 15, 4, 5)),
        (
            "Tue, 02 Jan 2006 15:04:05 +0000",
            DateStatus.WRONG_WEEKDAY,
            datetime(2006, 1, 2, 15, 4, 5),
        ),
    ],
)
def test_rfc822_verdicts(text: str, status: DateStatus, utc: datetime) -> None:
    result = check_rfc822(text)
    assert result.status is status
    assert result.value is not None
    assert result.value.astimezone(UTC).replace(tzinfo=None) == utc


@pytest.mark.parametrize(
    "text",
    [
        "2006-01-02T15:04:05Z",
        "Mon, 31 Feb 2006 15:04:05 +0000",
        "Mon, 02 Jan 2006 25:04:05 +0000",
        "Mon, 02 Jan 2006 15:04:05 +2400",
        "Mon, 02 Jan 2006 15:04:05 J",
        "Mon, 02 Foo 2006 15:04:05 +0000",
        "",
    ],
)
def test_rfc822_invalid(text: str) -> None:
    assert check_rfc822(text).status is DateStatus.INVALID


def test_weekday_reason_names_the_right_day() -> None:
    assert check_rfc822("Tue, 02 Jan 2006 15:04:05 +0000").reason == (
        "2006-01-02 is a Mon, not a Tue"
    )


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        ("2006", True),
        ("2006-01", True),
        ("2006-01-02", True),
        ("2006-01-02T15:04Z", True),
        ("2006-01-02T15:04:05.5+01:00", True),
        ("2006-13", False),
        ("2006-01-02T15:04", False),
        ("02/01/2006", False),
    ],
)
def test_w3cdtf(text: str, ok: bool) -> None:
    assert check_w3cdtf(text).ok is ok


NOW = datetime(2024, 6, 1, tzinfo=UTC)


def test_plausibility() -> None:
    assert implausibility(datetime(1989, 12, 31, tzinfo=UTC), NOW) is not None
    assert implausibility(datetime(1990, 1, 1, tzinfo=UTC), NOW) is None
    assert implausibility(NOW + timedelta(hours=23), NOW) is None
    future = implausibility(NOW + timedelta(days=2), NOW)
    assert future is not None and "future" in future


def test_dates_keep_their_reasons_and_share_zone_objects() -> None:
    assert check_rfc3339("2024-02-30T00:00:00Z").reason == "2024-02-30 is not a calendar date"
    assert check_rfc3339("2024-01-01T24:00:00Z").reason == "time 24:00:00 is out of range"
    assert check_rfc3339("2024-01-01T00:00:00+24:00").status is DateStatus.INVALID
    first = check_rfc3339("2024-01-01T10:00:00+05:30").value
    second = check_rfc3339("2024-03-01T10:00:00+05:30").value
    assert first is not None and second is not None
    assert first.tzinfo is second.tzinfo  # one zone object per spelling
    offset = first.utcoffset()
    assert offset is not None and offset.total_seconds() == 19800
    late = check_rfc822("Mon, 01 Jan 2024 10:00:00 EST").value
    assert late is not None
    late_offset = late.utcoffset()
    assert late_offset is not None and late_offset.total_seconds() == -5 * 3600
