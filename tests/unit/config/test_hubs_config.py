"""`hubs` in [feed]: each an absolute http(s) URL, or a one-line error."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.config import ConfigError, load_config

MINIMAL = """
[feed]
title = "T"
description = "D"
site_url = "https://example.org/"
base_url = "https://example.org/feeds/"
{hubs}
[feed.author]
name = "A"
"""


def load(tmp_path: Path, hubs: str) -> tuple[str, ...]:
    path = tmp_path / "feed.toml"
    path.write_text(MINIMAL.format(hubs=hubs), encoding="utf-8")
    return load_config(path).hubs


def test_hubs_are_read_in_order(tmp_path: Path) -> None:
    hubs = 'hubs = ["https://hub.example/", "http://127.0.0.1:8080/hub"]'
    assert load(tmp_path, hubs) == ("https://hub.example/", "http://127.0.0.1:8080/hub")


def test_no_hubs_by_default_and_an_empty_list_is_none(tmp_path: Path) -> None:
    assert load(tmp_path, "") == ()
    assert load(tmp_path, "hubs = []") == ()


@pytest.mark.parametrize(
    ("hubs", "expected"),
    [
        ('hubs = "https://hub.example/"', "feed.hubs must be a list of hub URLs"),
        ("hubs = [1]", "feed.hubs[1] must be a non-empty string"),
        ('hubs = ["  "]', "feed.hubs[1] must be a non-empty string"),
        ('hubs = ["/hub"]', "feed.hubs[1] '/hub' must be an absolute http(s) URL"),
        ('hubs = ["ftp://hub.example/"]', "must be an absolute http(s) URL"),
        ('hubs = ["javascript:alert(1)"]', "must be an absolute http(s) URL"),
        ('hubs = ["https://hub.example:99999/"]', "must be an absolute http(s) URL"),
        ('hubs = ["https://a.example/", "https://a.example/"]', "feed.hubs[2] 'https://a.example/'"),
    ],
)  # fmt: skip
def test_a_bad_hub_is_one_line(tmp_path: Path, hubs: str, expected: str) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, hubs)
    assert expected in str(raised.value)
    assert "\n" not in str(raised.value)
