"""feed-exporter: article records in, verified RSS 2.0 / Atom 1.0 / JSON Feed 1.1 out."""

from __future__ import annotations

__version__ = "0.1.0"
