"""Fixtures for the differential and property tests."""

from __future__ import annotations

import pytest

from tests.support import YamlReference


@pytest.fixture(scope="session")
def yaml_reference() -> YamlReference:
    """The reference YAML composer, to compare the fast path with."""
    return YamlReference()
