"""Feed dates, the same in every format and cheap to import (planning needs them,
rendering is not loaded for it).

Every date is UTC in whole seconds (RFC 822 cannot carry fractions, so no
format does); a feed's date is its newest entry's, and an empty feed's is
SOURCE_DATE_EPOCH or a fixed epoch, never "now", so output is reproducible.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import UTC, datetime

from exporter.model import Article

# Updated date of a feed with no entries when SOURCE_DATE_EPOCH is not set. Fixed
# (never "now") so the output is reproducible; not 1970 because validators warn
# about dates before 1990.
EMPTY_FEED_EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def utc_seconds(moment: datetime) -> datetime:
    """UTC, whole seconds: RFC 822 cannot carry fractions, so no format does."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime reached a renderer; records always carry a zone")
    return moment.astimezone(UTC).replace(microsecond=0)


def articles_updated(articles: Sequence[Article]) -> datetime:
    """`feed_updated` computed from articles, before any view is built."""
    return latest([changed_at(article.published_at, article.modified_at) for article in articles])


def changed_at(published: datetime, modified: datetime | None) -> datetime:
    """When an entry last changed: its edit if later than its publication."""
    return modified if modified is not None and modified > published else published


def latest(published: Sequence[datetime]) -> datetime:
    """`feed_updated` for entries published at these moments."""
    if published:  # truncating to seconds keeps the order: the newest, truncated
        return utc_seconds(max(published))
    return empty_feed_date()


def empty_feed_date() -> datetime:
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        # An epoch past year 9999 (or past what the platform's time functions take)
        # cannot be a date in any feed format: ignore it and use the fixed fallback,
        # as for an unset or non-numeric value, rather than fail the export.
        try:
            return datetime.fromtimestamp(int(epoch), UTC)
        except (ValueError, OverflowError, OSError):
            pass
    return EMPTY_FEED_EPOCH
