"""Fixtures for whole CLI runs."""

from __future__ import annotations

import pytest

from tests.support import REPO


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    """The CLI reads ./feed.toml and defaults to ./seeds/, as a user in the repo would."""
    monkeypatch.chdir(REPO)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
