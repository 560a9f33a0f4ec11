"""`python -m exporter` runs the same CLI as the `feed-exporter` script."""

from __future__ import annotations

from exporter.cli.main import main

if __name__ == "__main__":
    main()
