"""Check our own output with the same rules as `feed-exporter check`.

An error in a feed we generated is our bug, never the user's data: the export
stops (exit 3) and nothing is written. Warnings are returned too, so tests can
hold our feeds to "no warnings" and the CLI can show them.
"""

from __future__ import annotations

from datetime import datetime

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from exporter.problems import Problem


def verify(
    data: bytes, file_name: str, public_url: str, now: datetime | None = None
) -> list[Problem]:
    """All findings for one rendered feed, checked against its configured public URL."""
    if now is None:
        context = CheckContext(source=file_name, base=public_url)
    else:
        context = CheckContext(source=file_name, base=public_url, now=now)
    return check_bytes(data, context)
