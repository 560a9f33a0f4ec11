"""XML-level rules, format detection and hostile input for `check`."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from exporter.check.checker import check_bytes, check_path
from exporter.check.context import CheckContext
from exporter.check.html import html_relative_urls, html_risks
from exporter.check.xmldoc import parse_xml
from exporter.iri import is_dangerous_url, same_url
from exporter.problems import Problem

CONTEXT = CheckContext(source="feed.xml")
ATOM_BODY = (
    '<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>'
    "<id>urn:uuid:60a76c80-d399-11d9-b93c-0003939e0af6</id>"
    "<updated>2024-01-31T12:00:00Z</updated><author><name>A</name></author>"
    '<link rel="self" href="https://example.com/feed.atom"/></feed>'
)
GOOD = ('<?xml version="1.0" encoding="utf-8"?>\n' + ATOM_BODY).encode()


def rules(data: bytes, context: CheckContext = CONTEXT) -> list[str]:
    return [p.rule for p in check_bytes(data, context)]


def only(problems: list[Problem], rule: str) -> Problem:
    found = [p for p in problems if p.rule == rule]
    assert len(found) == 1, [p.rule for p in problems]
    return found[0]


def test_a_clean_feed_has_no_findings() -> None:
    assert check_bytes(GOOD, CONTEXT) == []


# --- well-formedness, prolog, encoding ----------------------------------------


def test_not_well_formed_has_line_and_column() -> None:
    problem = only(
        check_bytes(b"<feed>\n  <title>x</titel>\n</feed>", CONTEXT), "xml-not-well-formed"
    )
    assert (problem.line, problem.column) == (2, 19)
    assert "mismatch" in problem.message
    assert problem.is_error


def test_whitespace_before_declaration_is_an_error() -> None:
    problem = only(check_bytes(b"\n\n  " + GOOD, CONTEXT), "xml-text-before-declaration")
    assert problem.line == 3
    assert "whitespace" in problem.message
    assert rules(GOOD) == []


def test_text_before_declaration_is_an_error() -> None:
    problem = only(check_bytes(b"junk" + GOOD, CONTEXT), "xml-text-before-declaration")
    assert "text before" in problem.message


def test_byte_order_mark_is_a_warning() -> None:
    problem = only(check_bytes(b"\xef\xbb\xbf" + GOOD, CONTEXT), "xml-bom")
    assert not problem.is_error
    assert "xml-bom" not in rules(GOOD)


def test_bytes_invalid_in_declared_encoding() -> None:
    data = b'<?xml version="1.0" encoding="utf-8"?>\n<feed>caf\xe9</feed>'
    problem = only(check_bytes(data, CONTEXT), "xml-encoding-invalid")
    assert (problem.line, problem.column) == (2, 10)
    latin = b'<?xml version="1.0" encoding="iso-8859-1"?>\n' + ATOM_BODY.encode()
    assert "xml-encoding-invalid" not in rules(latin.replace(b"<title>T", b"<title>caf\xe9"))


def test_utf8_bytes_declared_as_latin1_is_a_mismatch_warning() -> None:
    data = ('<?xml version="1.0" encoding="iso-8859-1"?>' + ATOM_BODY).encode()
    data = data.replace(b"<title>T", "<title>café".encode())
    problem = only(check_bytes(data, CONTEXT), "xml-encoding-mismatch")
    assert not problem.is_error


def test_unknown_encoding_name() -> None:
    data = GOOD.replace(b"utf-8", b"klingon-8")
    assert "xml-unknown-encoding" in rules(data)


def test_utf16_with_bom_is_read() -> None:
    data = GOOD.decode().replace("utf-8", "utf-16").encode("utf-16")
    assert rules(data) == []


def test_illegal_control_character_is_located() -> None:
    data = GOOD.replace(b"<title>T", b"<title>T\x01")
    problem = only(check_bytes(data, CONTEXT), "xml-illegal-character")
    assert problem.line == 2
    assert "U+0001" in problem.message
    assert problem.is_error


@pytest.mark.parametrize(
    ("characters", "more"), [(6, "1 more character not"), (7, "2 more characters not")]
)
def test_illegal_characters_past_the_first_five_are_counted(characters: int, more: str) -> None:
    data = GOOD.replace(b"<title>T", b"<title>T" + b"\x01" * characters)
    messages = [p.message for p in check_bytes(data, CONTEXT) if p.rule == "xml-illegal-character"]
    assert len(messages) == 6
    assert messages[-1].startswith(f"{more} allowed in XML found")


def test_c1_control_character_is_a_warning() -> None:
    data = GOOD.replace(b"<title>T", "<title>T\u0093".encode())
    problem = only(check_bytes(data, CONTEXT), "xml-control-character")
    assert not problem.is_error


def test_undeclared_namespace_prefix() -> None:
    data = GOOD.replace(b"<title>T</title>", b"<title>T</title><dc:language>en</dc:language>")
    problem = only(check_bytes(data, CONTEXT), "xml-undeclared-prefix")
    assert "'dc'" in problem.message
    declared = data.replace(b"<feed ", b'<feed xmlns:dc="http://purl.org/dc/elements/1.1/" ')
    assert "xml-undeclared-prefix" not in rules(declared)


def test_xml_version_other_than_1_0() -> None:
    assert "xml-bad-version" in rules(GOOD.replace(b'version="1.0"', b'version="1.1"'))


# --- detection and dispatch ----------------------------------------------------


@pytest.mark.parametrize(
    ("data", "family"),
    [
        (GOOD.replace(b"<title>T</title>", b""), "atom-"),
        (b'<rss version="2.0"><channel/></rss>', "rss-"),
        (b'  {"version": "https://jsonfeed.org/version/1.1"}', "jsonfeed-"),
        (b"<html><body/></html>", "check-unknown-format"),
        (b'<feed xmlns="http://purl.org/atom/ns#"/>', "atom-"),
    ],
)
def test_the_family_is_recognised_from_content(data: bytes, family: str) -> None:
    found = rules(data, CheckContext(source="feed.json"))
    assert found and all(rule.startswith(family) for rule in found), found


LOADED_RULES = """
import sys
from exporter.check.checker import check_bytes
from exporter.check.context import CheckContext

def loaded():
    rules = ("exporter.check.atom", "exporter.check.rss", "exporter.check.jsonfeed")
    return [name.rsplit(".", 1)[1] for name in rules if name in sys.modules]

print(loaded())
check_bytes(b'<rss version="2.0"><channel/></rss>', CheckContext(source="f"))
print(loaded())
"""


def test_a_family_s_rules_are_imported_only_when_such_a_feed_is_checked() -> None:
    run = subprocess.run(
        [sys.executable, "-c", LOADED_RULES],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert run.stdout.split("\n")[:2] == ["[]", "['rss']"]


def test_unknown_root_is_one_finding() -> None:
    assert rules(b"<html><body/></html>") == ["check-unknown-format"]


def test_empty_and_binary_files() -> None:
    assert rules(b"") == ["check-empty-file"]
    assert rules(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR") == ["check-binary-file"]


def test_feeds_over_one_megabyte_get_a_warning() -> None:
    filler = "<!-- " + "x" * (1024 * 1024) + " -->"
    big = GOOD.replace(b"<title>", filler.encode() + b"<title>", 1)
    problem = only(check_bytes(big, CONTEXT), "feed-too-large")
    assert not problem.is_error
    assert "feed-too-large" not in rules(GOOD)


# --- hostile input ---------------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE feed [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<feed xmlns="http://www.w3.org/2005/Atom"><title>&lol9;</title></feed>"""


def _bounded(data: bytes) -> tuple[list[str], float, int]:
    """Rules found, seconds taken and growth of peak memory (KiB) for one check."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    found = rules(data)
    elapsed = time.perf_counter() - started
    return found, elapsed, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before


def test_billion_laughs_is_refused_quickly() -> None:
    found, elapsed, grown = _bounded(BILLION_LAUGHS)
    assert found == ["xml-entity-expansion"]
    assert elapsed < 2
    assert grown < 50 * 1024


def test_quadratic_blowup_is_refused_quickly() -> None:
    entity = "x" * 50_000
    data = (
        f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "{entity}">]>'
        f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{"&a;" * 50_000}</title></feed>'
    ).encode()
    found, elapsed, grown = _bounded(data)
    assert found == ["xml-entity-expansion"]
    assert elapsed < 2
    assert grown < 50 * 1024


def test_small_internal_entities_still_work() -> None:
    data = GOOD.replace(b"<feed", b'<!DOCTYPE feed [<!ENTITY me "Ann">]>\n<feed', 1)
    data = data.replace(b"<name>A</name>", b"<name>&me;</name>")
    assert rules(data) == []
    tree = parse_xml(data, CONTEXT).tree
    assert tree is not None
    assert tree.getroot().findtext(".//{http://www.w3.org/2005/Atom}name") == "Ann"


def test_external_entity_is_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    for target in (secret.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/x"):
        data = GOOD.replace(
            b"<feed", f'<!DOCTYPE feed [<!ENTITY x SYSTEM "{target}">]>\n<feed'.encode(), 1
        ).replace(b"<title>T</title>", b"<title>&x;</title>")
        parsed = parse_xml(data, CONTEXT)
        assert [p.rule for p in parsed.problems] == ["xml-external-entity"]
        assert parsed.tree is not None
        text = b"".join((element.text or "").encode() for element in parsed.tree.getroot().iter())
        assert b"TOP-SECRET" not in text
        assert b"root:" not in text
        messages = " ".join(p.message for p in check_bytes(data, CONTEXT))
        assert "TOP-SECRET" not in messages and "root:" not in messages


def test_external_dtd_is_not_loaded() -> None:
    data = GOOD.replace(b"<feed", b'<!DOCTYPE feed SYSTEM "http://127.0.0.1:9/evil.dtd">\n<feed', 1)
    assert rules(data) == []


def test_truncated_file_is_a_finding() -> None:
    problem = only(check_bytes(GOOD[: len(GOOD) // 2], CONTEXT), "xml-not-well-formed")
    assert problem.line is not None


def test_oversize_input_is_refused_before_parsing() -> None:
    small = CheckContext(source="big.xml", max_bytes=1000)
    assert rules(GOOD + b"<!--" + b"x" * 2000 + b"-->", small) == ["check-too-large"]


def test_check_path_refuses_fifo_folder_and_missing(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    started = time.perf_counter()
    assert [p.rule for p in check_path(str(fifo), CONTEXT)] == ["check-unreadable"]
    assert time.perf_counter() - started < 1
    assert [p.rule for p in check_path(str(tmp_path), CONTEXT)] == ["check-unreadable"]
    assert [p.rule for p in check_path(str(tmp_path / "nope"), CONTEXT)] == ["check-unreadable"]


def test_check_path_reads_a_file_and_bounds_size(tmp_path: Path) -> None:
    feed = tmp_path / "feed.atom"
    feed.write_bytes(GOOD)
    assert check_path(str(feed), CONTEXT) == []
    tight = CheckContext(source="feed.atom", max_bytes=10)
    assert [p.rule for p in check_path(str(feed), tight)] == ["check-too-large"]


def test_deep_nesting_does_not_crash() -> None:
    data = GOOD.replace(b"<title>T</title>", b"<title>T</title>" + b"<x>" * 5000 + b"</x>" * 5000)
    found = rules(data)
    assert found and all(isinstance(rule, str) for rule in found)


# --- shared helpers ------------------------------------------------------------------


def test_html_risks_flags_scripts_handlers_and_script_urls() -> None:
    risks = html_risks(
        '<p onclick="x()">a</p><script>alert(1)</script>'
        '<a href=" JaVaScRiPt:alert(1)">b</a><img src="data:text/html,x">'
    )
    assert len(risks) == 4
    assert any("onclick" in risk for risk in risks)
    assert any("<script>" in risk for risk in risks)
    assert html_risks('<p><a href="https://example.com/">safe</a></p>') == []


def test_url_helpers() -> None:
    assert is_dangerous_url("java\tscript:alert(1)")
    assert not is_dangerous_url("https://example.com/")
    assert same_url("HTTP://Example.com:80", "http://example.com/")
    assert not same_url("http://example.com/a", "http://example.com/b")


def test_local_external_dtd_is_not_read(tmp_path: Path) -> None:
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY secret "LEAKED-FROM-DTD">')
    data = GOOD.replace(
        b"<feed", f'<!DOCTYPE feed SYSTEM "{dtd.as_uri()}">\n<feed'.encode(), 1
    ).replace(b"<title>T</title>", b"<title>&secret;</title>")
    parsed = parse_xml(data, CONTEXT)
    assert parsed.tree is not None
    assert "LEAKED" not in "".join(parsed.tree.getroot().itertext())
    assert all("LEAKED" not in p.message for p in check_bytes(data, CONTEXT))


def test_relative_url_helpers() -> None:
    found = html_relative_urls('<a href="/a">x</a><img src="b.png"><a href="#c">d</a>')
    assert found == ["/a", "b.png"]
    assert html_relative_urls('<a href="https://example.com/">x</a>') == []
