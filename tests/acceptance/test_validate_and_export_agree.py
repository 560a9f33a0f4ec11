"""Records `validate` accepts must export (exit 0) into feeds `check` passes.

Each edge below once passed the contract and then crashed `export` or failed our
own feed verification (exit 3). The contract now refuses what the feeds cannot
carry, so validate and export agree on every record.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli
from exporter.model import article_from_record
from tests.support import FEED_TOML

CONFIG = str(FEED_TOML)
BASE: dict[str, Any] = {
    "title": "T",
    "publishedDateTime": "2021-02-09T04:31:00Z",
    "webUrl": "https://e.com/a",
}
RELATED: dict[str, Any] = {"title": "R", "webUrl": "https://e.com/r"}
FEEDS = ("rss.xml", "atom.xml", "feed.json")


def write(tmp_path: Path, record: dict[str, Any]) -> str:
    path = tmp_path / "in" / "r.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")
    return str(path)


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout


def validate(tmp_path: Path, record: dict[str, Any]) -> tuple[int, list[tuple[str, str]]]:
    code, out = invoke("validate", "-o", "json", write(tmp_path, record))
    problems = [(p["rule"], p["pointer"]) for p in json.loads(out)["problems"]]
    return code, problems


def export(tmp_path: Path, record: dict[str, Any], *flags: str) -> int:
    out = tmp_path / "out"
    args = ["export", write(tmp_path, record), "--config", CONFIG, "--no-cache"]
    code, _ = invoke(*args, "--out", str(out), "-q", *flags)
    return code


def assert_exports_cleanly(tmp_path: Path, record: dict[str, Any]) -> None:
    """Valid for the contract, exported with exit 0, and no error in any feed."""
    assert validate(tmp_path, record) == (0, [])
    assert export(tmp_path, record) == 0
    feeds = [str(tmp_path / "out" / name) for name in FEEDS]
    code, out = invoke("check", "-o", "json", *feeds)
    errors = [p for p in json.loads(out)["problems"] if p["severity"] == "error"]
    assert (code, errors) == (0, [])


def assert_refused(tmp_path: Path, record: dict[str, Any], rule: str, pointer: str) -> None:
    """validate reports exactly one problem; export --strict rejects it (exit 1, not 3)."""
    assert validate(tmp_path, record) == (1, [(rule, pointer)])
    assert export(tmp_path, record, "--strict") == 1
    assert export(tmp_path, record) == 1  # skipped: "no valid records", nothing crashes


# --- 1. dates that leave years 1-9999 ---

BAD_DATES = [
    "0000-01-01T00:00:00Z",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-23:59",
    # Python carries these, but RSS dates need a 4-digit year (feedgen writes "1")
    "0001-01-01T00:00:00Z",
    "0999-12-31T23:59:59Z",
    "1000-01-01T00:30:00+01:00",
]


@pytest.mark.parametrize("value", BAD_DATES)
def test_date_outside_years_1_to_9999_in_utc_is_refused(tmp_path: Path, value: str) -> None:
    assert_refused(
        tmp_path, {**BASE, "publishedDateTime": value}, "invalid-date-time", "/publishedDateTime"
    )


@pytest.mark.parametrize("value", BAD_DATES)
def test_related_date_outside_years_1_to_9999_is_refused(tmp_path: Path, value: str) -> None:
    record = {**BASE, "related": [RELATED, {**RELATED, "publishedDateTime": value}]}
    assert_refused(tmp_path, record, "invalid-date-time", "/related/1/publishedDateTime")


def test_out_of_range_date_message_names_the_range(tmp_path: Path) -> None:
    code, out = invoke(
        "validate", "-o", "json", write(tmp_path, {**BASE, "publishedDateTime": BAD_DATES[1]})
    )
    [problem] = json.loads(out)["problems"]
    assert code == 1
    assert "years from 1000 to 9999" in problem["message"] and "UTC" in problem["message"]


def test_broken_date_is_reported_once(tmp_path: Path) -> None:
    record = {**BASE, "publishedDateTime": "2021-02-30T10:00:00Z"}
    assert validate(tmp_path, record) == (1, [("invalid-date-time", "/publishedDateTime")])


@pytest.mark.parametrize(
    "value",
    [
        "1000-01-01T00:00:00Z",
        "0999-12-31T23:00:00-01:00",
        "9999-12-31T23:59:59Z",
        "9999-12-31T23:59:59+23:59",
    ],
)
def test_dates_at_the_edges_of_the_range_export(tmp_path: Path, value: str) -> None:
    record = {
        **BASE,
        "publishedDateTime": value,
        "related": [{**RELATED, "publishedDateTime": value}],
    }
    assert_exports_cleanly(tmp_path, record)


# --- 2. URLs the feed checker refuses ---

BAD_URL = "http://a.example:99999/"
URL_FIELDS = [
    ({"webUrl": BAD_URL}, "/webUrl"),
    ({"originalUrl": BAD_URL}, "/originalUrl"),
    ({"images": [{"url": BAD_URL}]}, "/images/0/url"),
    ({"related": [{**RELATED, "webUrl": BAD_URL}]}, "/related/0/webUrl"),
    ({"related": [{**RELATED, "ampWebUrl": BAD_URL}]}, "/related/0/ampWebUrl"),
    ({"related": [{**RELATED, "cdnAmpWebUrl": BAD_URL}]}, "/related/0/cdnAmpWebUrl"),
    ({"related": [{**RELATED, "images": [{"url": BAD_URL}]}]}, "/related/0/images/0/url"),
]


@pytest.mark.parametrize(("fields", "pointer"), URL_FIELDS)
def test_url_the_checker_refuses_is_refused_by_the_contract(
    tmp_path: Path, fields: dict[str, Any], pointer: str
) -> None:
    assert_refused(tmp_path, {**BASE, **fields}, "invalid-url", pointer)


@pytest.mark.parametrize("value", ["http://a.example:port/", "https://[::1/"])
def test_other_unsplittable_urls_are_refused_once(tmp_path: Path, value: str) -> None:
    assert validate(tmp_path, {**BASE, "webUrl": value}) == (1, [("invalid-url", "/webUrl")])


def test_schema_url_problem_is_not_reported_twice(tmp_path: Path) -> None:
    assert validate(tmp_path, {**BASE, "webUrl": "javascript:alert(1)"}) == (
        1,
        [("url-scheme", "/webUrl")],
    )


def test_urls_with_ports_and_ipv6_hosts_export(tmp_path: Path) -> None:
    record = {
        **BASE,
        "webUrl": "https://e.com:8443/a",
        "originalUrl": "http://[2001:db8::1]:8080/x",
        "images": [{"url": "https://e.com:65535/i.png"}],
    }
    assert_exports_cleanly(tmp_path, record)


# --- 3. image sizes ---


def test_float_width_is_carried_as_a_whole_number() -> None:
    article = article_from_record(
        {**BASE, "images": [{"url": "https://e.com/i", "width": 1.0, "height": 417.0}]}
    )
    [image] = article.images
    assert (image.width, image.height) == (1, 417)
    assert type(image.width) is int and type(image.height) is int


def test_float_width_exports(tmp_path: Path) -> None:
    record = {**BASE, "images": [{"url": "https://e.com/i.png", "width": 1.0, "height": 2.0}]}
    assert_exports_cleanly(tmp_path, record)
    feed = json.loads((tmp_path / "out" / "feed.json").read_text(encoding="utf-8"))
    assert '"1.0"' not in (tmp_path / "out" / "rss.xml").read_text(encoding="utf-8")
    assert feed["items"][0]["image"] == "https://e.com/i.png"


@pytest.mark.parametrize("name", ["width", "height"])
@pytest.mark.parametrize("value", [100_001, 2**63, 2**64 + 1])
def test_huge_image_size_is_refused(tmp_path: Path, name: str, value: int) -> None:
    record = {**BASE, "images": [{"url": "https://e.com/i.png", name: value}]}
    assert_refused(tmp_path, record, "out-of-range", f"/images/0/{name}")


def test_largest_image_size_exports(tmp_path: Path) -> None:
    image = {"url": "https://e.com/i.png", "width": 100_000, "height": 100_000}
    assert_exports_cleanly(tmp_path, {**BASE, "images": [image]})
