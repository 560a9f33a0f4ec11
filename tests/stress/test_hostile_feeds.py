"""`feed-exporter check` on hostile feeds, end to end: no network access (a local
listener proves nothing connects), entity bombs and over-size inputs refused by
the real CLI within seconds and a bounded peak memory.

tests/unit/check/test_xml_and_formats.py covers the parser itself (billion laughs,
quadratic blow-up, file:// entities, external DTDs); these add what a hostile feed
can do to the whole command.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext
from tests.support import Bounded, run_bounded

pytestmark = pytest.mark.slow  # deselect with -m 'not slow'

CHECK_MIB = 150
SECONDS = 20
GOOD = (
    b'<?xml version="1.0" encoding="utf-8"?>\n'
    b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
    b"<id>https://example.com/</id><updated>2021-02-09T04:31:00Z</updated>"
    b"<author><name>A</name></author></feed>\n"
)


@pytest.fixture
def listener() -> Iterator[tuple[socket.socket, str]]:
    """A TCP port on localhost that records whether anything connected."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.setblocking(False)
    yield server, f"http://127.0.0.1:{server.getsockname()[1]}"
    server.close()


def _connections(server: socket.socket) -> int:
    count = 0
    while True:
        try:
            client, _ = server.accept()
        except BlockingIOError:
            return count
        client.close()
        count += 1


def _network_feeds(url: str) -> dict[str, bytes]:
    root = b'<feed xmlns="http://www.w3.org/2005/Atom"'
    return {
        "external-dtd": GOOD.replace(
            b"<feed", f'<!DOCTYPE feed SYSTEM "{url}/a.dtd">\n<feed'.encode(), 1
        ),
        "public-dtd": GOOD.replace(
            b"<feed", f'<!DOCTYPE feed PUBLIC "-//X//EN" "{url}/b.dtd">\n<feed'.encode(), 1
        ),
        "general-entity": GOOD.replace(
            b"<feed", f'<!DOCTYPE feed [<!ENTITY e SYSTEM "{url}/c">]>\n<feed'.encode(), 1
        ).replace(b"<title>T</title>", b"<title>&e;</title>"),
        "parameter-entity": GOOD.replace(
            b"<feed", f'<!DOCTYPE feed [<!ENTITY % p SYSTEM "{url}/d"> %p;]>\n<feed'.encode(), 1
        ),
        "xinclude": GOOD.replace(
            b"<title>T</title>",
            f'<title>T</title><xi:include xmlns:xi="http://www.w3.org/2001/XInclude" '
            f'href="{url}/e" parse="text"/>'.encode(),
        ),
        "stylesheet": GOOD.replace(
            b"<feed", f'<?xml-stylesheet type="text/xsl" href="{url}/f.xsl"?>\n<feed'.encode(), 1
        ),
        "schema-location": GOOD.replace(
            root,
            root + b' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            + f'xsi:schemaLocation="http://www.w3.org/2005/Atom {url}/g.xsd"'.encode(),
        ),
        "json-feed": json.dumps(
            {"version": "https://jsonfeed.org/version/1.1", "title": "T",
             "feed_url": f"{url}/feed.json", "home_page_url": f"{url}/",
             "items": [{"id": f"{url}/1", "url": f"{url}/1",
                        "content_html": f'<img src="{url}/i">'}]}
        ).encode(),
    }  # fmt: skip


def test_no_feed_makes_check_connect_anywhere(
    listener: tuple[socket.socket, str], tmp_path: Path
) -> None:
    server, url = listener
    feeds = _network_feeds(url)
    for name, data in feeds.items():
        (tmp_path / f"{name}.{'json' if name == 'json-feed' else 'xml'}").write_bytes(data)
    result = run_bounded("check", str(tmp_path), "-o", "json", timeout=SECONDS)
    assert _connections(server) == 0
    report = json.loads(result.stdout)
    assert sorted(Path(path).stem for path in report["checked"]) == sorted(feeds)
    rules: dict[str, set[str]] = {}
    for problem in report["problems"]:
        rules.setdefault(Path(problem["path"]).stem, set()).add(problem["rule"])
    assert "xml-external-entity" in rules["general-entity"]
    assert "xml-external-entity" in rules["parameter-entity"]
    # in-process too, where a fetch would go through the same libxml2
    for name, data in feeds.items():
        check_bytes(data, CheckContext(source=name))
    assert _connections(server) == 0


def _check(path: Path, *args: str, stdin: Path | None = None) -> Bounded:
    result = run_bounded("check", str(path), *args, timeout=SECONDS, stdin=stdin)
    assert "Traceback" not in result.output
    assert result.peak_mib < CHECK_MIB, f"{result.peak_mib:.0f} MiB"
    return result


def _rules(result: Bounded) -> list[str]:
    return sorted({p["rule"] for p in json.loads(result.stdout)["problems"]})


PARAMETER_BOMB = (
    b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY % a "' + b"x" * 40 + b'">'
    + b"".join(
        f'<!ENTITY % {chr(98 + i)} "{("%" + chr(97 + i) + ";") * 10}">'.encode()
        for i in range(7)
    )
    + b'<!ENTITY big "%h;">]><feed xmlns="http://www.w3.org/2005/Atom"><title>&big;</title></feed>'
)  # fmt: skip
BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY l0 "lol">'
    + b"".join(
        f'<!ENTITY l{i + 1} "{("&l" + str(i) + ";") * 10}">'.encode() for i in range(9)
    )
    + b']><feed xmlns="http://www.w3.org/2005/Atom"><title>&l9;</title></feed>'
)  # fmt: skip
QUADRATIC = (
    b'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "' + b"x" * 100_000 + b'">]>'
    b'<feed xmlns="http://www.w3.org/2005/Atom" t="' + b"&a;" * 30_000
    + b'"><title>T</title></feed>'
)  # fmt: skip
DEEP_XML = GOOD.replace(b"<title>T</title>", b"<x>" * 100_000 + b"</x>" * 100_000)
JSON_HEAD = b'{"version": "https://jsonfeed.org/version/1.1", '
DEEP_JSON = JSON_HEAD + b'"items": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
HUGE_NUMBER = JSON_HEAD + b'"n": ' + b"9" * 100_000 + b"}"


@pytest.mark.parametrize(
    ("data", "rule"),
    [
        (BILLION_LAUGHS, "xml-entity-expansion"),
        (PARAMETER_BOMB, "xml-entity-expansion"),
        (QUADRATIC, "xml-entity-expansion"),
        (DEEP_XML, "xml-not-well-formed"),
        (DEEP_JSON, "jsonfeed-too-deep"),
        (HUGE_NUMBER, "jsonfeed-syntax"),
    ],
    ids=[
        "billion-laughs", "parameter-entities", "quadratic-attribute",
        "deep-xml", "deep-json", "huge-number",
    ],
)  # fmt: skip
def test_expansion_and_nesting_bombs_through_the_cli(
    tmp_path: Path, data: bytes, rule: str
) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(data)
    result = _check(feed, "-o", "json")
    assert result.code == 1
    assert rule in _rules(result)


def test_200_mb_feed_is_refused_before_reading(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with open(huge, "wb") as handle:  # sparse: no disk used
        handle.truncate(200 * 1024 * 1024)
    result = _check(huge, "-o", "json")
    assert result.code == 1 and _rules(result) == ["check-too-large"]
    assert result.seconds < 5


def test_200_mb_on_standard_input_is_cut_off_at_the_bound(tmp_path: Path) -> None:
    huge = tmp_path / "huge.xml"
    with open(huge, "wb") as handle:
        handle.truncate(200 * 1024 * 1024)
    result = _check(Path("-"), "-o", "json", "--max-file-size", "1MiB", stdin=huge)
    assert result.code == 1 and _rules(result) == ["check-too-large"]


def test_the_check_size_bound_is_configurable(tmp_path: Path) -> None:
    feed = tmp_path / "feed.xml"
    feed.write_bytes(GOOD)
    assert _check(feed, "-o", "json", "--max-file-size", "100").code == 1
    assert _rules(_check(feed, "-o", "json", "--max-file-size", "100")) == ["check-too-large"]
    assert _check(feed, "--max-file-size", "1k").code == 0
