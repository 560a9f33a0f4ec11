"""Fixtures shared by every kind of test: the repository's own files and the
article builders (tests/support.py holds the plain functions behind them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.config import FeedConfig
from tests import support
from tests.support import CheckFeed, MakeArticle


@pytest.fixture(scope="session")
def repo_root() -> Path:
    """The repository: seeds/, feed.toml, schemas/, docs/."""
    return support.REPO


@pytest.fixture(scope="session")
def feed_toml() -> Path:
    """The repository's feed.toml, complete for every format."""
    return support.FEED_TOML


@pytest.fixture(scope="session")
def seed_file() -> Path:
    """The bundled sample record (front matter and a Markdown body)."""
    return support.SEED


@pytest.fixture(scope="session")
def feed_config() -> FeedConfig:
    """The repository's feed.toml for every format."""
    return support.repo_config()


@pytest.fixture(scope="session")
def make_article() -> MakeArticle:
    """`make_article(body="", **fields)`: an Article from a minimal valid record."""
    return support.article


@pytest.fixture(scope="session")
def check_feed() -> CheckFeed:
    """`check_feed(data, format_name, config)`: every `check` finding for our feed."""
    return support.check_feed
