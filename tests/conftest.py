"""Fixtures shared by every kind of test: the repository's own files and the
article builders (tests/support.py holds the plain functions behind them), and
the hypothesis profiles.

Hypothesis profiles (`--hypothesis-profile=NAME` picks one; CI=true picks `ci`):

- `dev`, the default: hypothesis's own defaults, random examples, and the
  example database in .hypothesis/ replays what failed before on this machine.
- `ci`: the same examples on every run and every machine (derandomized, no
  database), so a landing never depends on which examples a run happened to
  draw; a failure prints the blob that reproduces it.
- `explore`: ten times each test's examples, at random; `bash .ci/explore` runs
  it over tests/properties. What it finds is fixed, then pinned with @example.

Each property test sets its budget with `examples(n)` from tests/support.py,
which scales n by the profile's max_examples over hypothesis's default of 100.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from exporter.config import FeedConfig
from tests import support
from tests.support import DEFAULT_EXAMPLES, CheckFeed, LocalHub, MakeArticle, SilentHub

settings.register_profile("dev", max_examples=DEFAULT_EXAMPLES)
settings.register_profile(
    "ci",
    max_examples=DEFAULT_EXAMPLES,
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,  # a loaded CI machine must not fail a test on time alone
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "explore",
    max_examples=10 * DEFAULT_EXAMPLES,
    derandomize=False,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")


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


@pytest.fixture
def start_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[int], LocalHub]]:
    """`start_hub(status=204)`: a WebSub hub on 127.0.0.1 that counts what it
    receives; stopped after the test. Proxy variables are cleared so requests
    reach it directly."""
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    hubs: list[LocalHub] = []

    def start(status: int = 204) -> LocalHub:
        hubs.append(LocalHub(status))
        return hubs[-1]

    yield start
    for hub in hubs:
        hub.close()


@pytest.fixture
def silent_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[SilentHub]:
    """A hub on 127.0.0.1 that accepts connections and never answers."""
    for name in ("http_proxy", "HTTP_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    hub = SilentHub()
    yield hub
    hub.close()


@pytest.fixture
def ctrl_c_raises() -> Iterator[None]:
    """SIGINT raises KeyboardInterrupt in this process during the test, as in a
    terminal. Started with SIGINT ignored (a shell's background job), Python
    installs no handler, and the processes a test starts would inherit the
    ignored signal too (exec keeps an ignored signal ignored)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)
