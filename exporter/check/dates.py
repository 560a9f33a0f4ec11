"""Date parsing shared by the RSS, Atom and JSON Feed rules.

Three syntaxes appear in feeds: RFC 3339 (Atom, JSON Feed), RFC 822/2822 (RSS
`pubDate`) and W3C-DTF (`dc:date`). Each checker returns a `DateCheck` value
instead of raising, so a rule can report *why* a date fails and still use the
parsed instant for the plausibility check.

The RFC 822 verdicts follow the W3C Feed Validation Service: the strict RFC 2822
form is valid; what RFC 822 allows but readers misparse (2-digit years, lower-case
names, missing seconds' neighbours such as odd spacing, military zones, comments)
is "problematical" (a warning); anything else is invalid.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum

from exporter.memo import memoised

EARLIEST_PLAUSIBLE = datetime(1990, 1, 1, tzinfo=UTC)
# Clocks drift and feeds are rebuilt while we check them: a small allowance keeps
# a feed generated a minute "in the future" from being flagged.
FUTURE_TOLERANCE = timedelta(days=1)


class DateStatus(StrEnum):
    VALID = "valid"
    PROBLEMATICAL = "problematical"
    WRONG_WEEKDAY = "wrong-weekday"
    INVALID = "invalid"


@dataclass(frozen=True, slots=True)
class DateCheck:
    """Outcome of parsing one date string.

    `value` is the instant (timezone-aware) whenever the text could be read, even
    when `status` is not VALID; `reason` says what is wrong, for messages.
    """

    status: DateStatus
    value: datetime | None = None
    reason: str = ""

    @property
    def ok(self) -> bool:
        return self.status is DateStatus.VALID


# --- RFC 3339 -----------------------------------------------------------------

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})\Z"
)


@memoised
def check_rfc3339(text: str) -> DateCheck:
    """Strict RFC 3339 `date-time`: `YYYY-MM-DDThh:mm:ss[.frac](Z|±hh:mm)`."""
    match = _RFC3339.match(text)
    if match is None:
        return DateCheck(
            DateStatus.INVALID,
            reason="expected YYYY-MM-DDThh:mm:ss[.fraction] followed by Z or ±hh:mm",
        )
    year, month, day, hour, minute, second = (int(g) for g in match.groups()[:6])
    fraction, zone = match.group(7), match.group(8)
    offset = _offset_from_colon_zone(zone)
    if offset is None:
        return DateCheck(DateStatus.INVALID, reason=f"time zone offset {zone} is out of range")
    value = _build(year, month, day, hour, minute, second, offset, fraction)
    if isinstance(value, str):
        return DateCheck(DateStatus.INVALID, reason=value)
    return DateCheck(DateStatus.VALID, value)


def _read_colon_zone(zone: str) -> timezone | None:
    """The zone of `Z` or `±hh:mm` (None when out of range)."""
    if zone == "Z":
        return UTC
    sign = -1 if zone[0] == "-" else 1
    hours, minutes = int(zone[1:3]), int(zone[4:6])
    if hours > 23 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _build(
    year: int,
    month: int,
    day: int,
    hour: int,
    minute: int,
    second: int,
    offset: timezone,
    fraction: str | None = None,
) -> datetime | str:
    """A datetime, or the reason the fields are out of range."""
    if hour > 23 or minute > 59 or second > 60:
        return f"time {hour:02d}:{minute:02d}:{second:02d} is out of range"
    micro = int((fraction[1:] + "000000")[:6]) if fraction else 0
    try:
        # A leap second (:60) is legal in both RFCs; datetime cannot hold it. The
        # time fields are in range here, so only the date can be refused.
        return datetime(year, month, day, hour, minute, min(second, 59), micro, tzinfo=offset)
    except ValueError:
        return f"{year:04d}-{month:02d}-{day:02d} is not a calendar date"


# --- W3C-DTF (ISO 8601 profile, dc:date) -------------------------------------

_W3CDTF = re.compile(
    r"(\d{4})(?:-(\d{2})(?:-(\d{2})"
    r"(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?)?)?\Z"
)


def check_w3cdtf(text: str) -> DateCheck:
    """W3C-DTF: a year, year-month, date, or date-time with a zone (dc:date)."""
    match = _W3CDTF.match(text)
    if match is None:
        return DateCheck(
            DateStatus.INVALID,
            reason="expected YYYY, YYYY-MM, YYYY-MM-DD or YYYY-MM-DDThh:mm[:ss]±hh:mm",
        )
    year = int(match.group(1))
    month = int(match.group(2) or 1)
    day = int(match.group(3) or 1)
    hour, minute, second = (int(match.group(i) or 0) for i in (4, 5, 6))
    zone = match.group(8)
    offset = _offset_from_colon_zone(zone) if zone else UTC
    if offset is None:
        return DateCheck(DateStatus.INVALID, reason=f"time zone offset {zone} is out of range")
    if not 1 <= month <= 12:
        return DateCheck(DateStatus.INVALID, reason=f"month {month:02d} is out of range")
    value = _build(year, month, day, hour, minute, second, offset, match.group(7))
    if isinstance(value, str):
        return DateCheck(DateStatus.INVALID, reason=value)
    return DateCheck(DateStatus.VALID, value)


# --- RFC 822 / RFC 2822 -------------------------------------------------------

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# RFC 822 §5.1 zone names; "Z" is the military name for UT.
NAMED_ZONES: dict[str, int] = {
    "UT": 0,
    "GMT": 0,
    "Z": 0,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
}

_MONTH_ALT = "|".join(MONTHS)
_DAY_ALT = "|".join(WEEKDAYS)
_ZONE_ALT = "|".join(sorted(NAMED_ZONES, key=len, reverse=True))
# The form every reader understands: RFC 2822 §3.3 with a 4-digit year.
_RFC2822_STRICT = re.compile(
    rf"(?:({_DAY_ALT}), )?(\d\d?) ({_MONTH_ALT}) (\d{{4}}) (\d\d):(\d\d)(?::(\d\d))? "
    rf"([+-]\d{{4}}|{_ZONE_ALT})\Z"
)
# What RFC 822 also allows: any case, free spacing, 2-digit years, military zones.
_RFC822_LENIENT = re.compile(
    rf"(?:({_DAY_ALT})\s*,\s*)?(\d\d?)\s+({_MONTH_ALT})\s+(\d\d(?:\d\d)?)\s+"
    rf"(\d\d):(\d\d)(?::(\d\d))?(?:\s+([+-]\d{{4}}|{_ZONE_ALT}|[A-IK-Z]))?\Z",
    re.IGNORECASE,
)
_COMMENT = re.compile(r"\([^()]*\)")
_QUOTED_PAIR = re.compile(r"\\.")


def check_rfc822(text: str) -> DateCheck:
    """Classify an RSS date: valid RFC 2822, problematical RFC 822, wrong weekday, or invalid."""
    match = _RFC2822_STRICT.match(text)
    if match is not None:
        return _from_match(match, DateStatus.VALID, "")
    relaxed = _strip_comments(text).strip()
    match = _RFC822_LENIENT.match(relaxed)
    if match is None:
        return DateCheck(
            DateStatus.INVALID,
            reason="expected a date like 'Mon, 02 Jan 2006 15:04:05 +0000'",
        )
    return _from_match(
        match,
        DateStatus.PROBLEMATICAL,
        "legal in RFC 822 but fragile: use a 4-digit year, capitalised names, single "
        "spaces and a numeric zone such as +0000",
    )


def _strip_comments(text: str) -> str:
    previous, current = "", _QUOTED_PAIR.sub("", text)
    while previous != current:
        previous, current = current, _COMMENT.sub(" ", current)
    return current


def _from_match(match: re.Match[str], status: DateStatus, reason: str) -> DateCheck:
    weekday, day_text, month_text, year_text, hour, minute, second, zone = match.groups()
    year = int(year_text)
    if len(year_text) == 2:
        # RFC 2822 §4.3: 00-49 are 2000-2049, 50-99 are 1950-1999.
        year += 2000 if year < 50 else 1900
    month = MONTHS.index(month_text.capitalize()) + 1
    offset = _offset_from_rfc822_zone(zone)
    if offset is None:
        return DateCheck(DateStatus.INVALID, reason=f"time zone {zone} is out of range")
    value = _build(year, month, int(day_text), int(hour), int(minute), int(second or 0), offset)
    if isinstance(value, str):
        return DateCheck(DateStatus.INVALID, reason=value)
    if weekday is not None and WEEKDAYS[value.weekday()] != weekday.capitalize():
        return DateCheck(
            DateStatus.WRONG_WEEKDAY,
            value,
            reason=f"{value.date().isoformat()} is a {WEEKDAYS[value.weekday()]}, not a "
            f"{weekday.capitalize()}",
        )
    return DateCheck(status, value, reason)


def _offset_from_rfc822_zone(zone: str | None) -> timezone | None:
    """The zone of an RFC 822 date (None when out of range)."""
    return UTC if zone is None else _rfc822_zone(zone)


def _read_rfc822_zone(zone: str) -> timezone | None:
    upper = zone.upper()
    if upper in NAMED_ZONES:
        return timezone(timedelta(hours=NAMED_ZONES[upper]))
    if len(upper) == 1:
        # Military zones were specified with the wrong sign in RFC 822; RFC 2822
        # §4.3 says to read them as -0000 (unknown local time), i.e. UTC.
        return UTC
    sign = -1 if upper[0] == "-" else 1
    hours, minutes = int(upper[1:3]), int(upper[3:5])
    if hours > 23 or minutes > 59:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


# A feed uses one or two zones: each spelling is read once (None: out of range).
_offset_from_colon_zone = memoised(_read_colon_zone, entries=256)
_rfc822_zone = memoised(_read_rfc822_zone, entries=256)


# --- plausibility -------------------------------------------------------------


def implausibility(value: datetime, now: datetime) -> str | None:
    """Why a date is implausible (before 1990, or in the future), or None."""
    if value < EARLIEST_PLAUSIBLE:
        return f"{value.isoformat()} is before 1990"
    if value > now + FUTURE_TOLERANCE:
        return f"{value.isoformat()} is in the future (now is {now.isoformat()})"
    return None
