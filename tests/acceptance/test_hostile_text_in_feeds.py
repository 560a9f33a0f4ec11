"""Text that could attack a feed reader: markup in titles and excerpts is shown as
text in every format, script URLs never reach a link, image or related entry,
bodies are sanitised, and `]]>` cannot break the XML."""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from click.testing import CliRunner
from lxml import etree

from exporter.cli.main import cli
from exporter.iri import is_dangerous_url
from exporter.markup import rss_plain_text
from tests.support import FEED_TOML

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
MEDIA = "{http://search.yahoo.com/mrss/}"

HOSTILE_TEXT = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    "<![CDATA[ x ]]> and ]]> and ]]&gt;",
    "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#x3C;b&#x3E;",
    '"><svg/onload=alert(1)>',
    "<!-- comment --> <?php echo 1; ?> <!DOCTYPE x>",
    "\u202eevil\u202c RTL override and \u200f mark",
    "{{ template }} ${expr} `backtick`",
]
SCRIPT_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative/path",
]
HOSTILE_BODY = """\
<script>alert('body')</script>
<a href="javascript:alert(1)" onclick="alert(2)">raw html link</a>
[md js](javascript:alert(3)) [md data](data:text/html,<script>x</script>)
[md vb](vbscript:msgbox(4)) <javascript:alert(5)> ![img](javascript:alert(6))
![svg](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=) [ok](https://example.com/ok)
<iframe src="https://evil.example/"></iframe> <style>body{}</style>
]]> end of CDATA ]]&gt; and <![CDATA[ start
"""


def _record(index: int, **fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": f"Article {index}",
        "webUrl": f"https://news.example.com/a/{index}",
        "publishedDateTime": f"2021-02-{index % 27 + 1:02d}T04:31:00Z",
        "provider": {"name": "Example", "domain": "news.example.com"},
    }
    base.update(fields)
    return base


def _export(records: list[dict[str, Any]], bodies: dict[int, str], tmp_path: Path) -> Path:
    folder = tmp_path / "records"
    folder.mkdir()
    for index, record in enumerate(records):
        if index in bodies:
            front = "\n".join(f"{key}: {json.dumps(value)}" for key, value in record.items())
            (folder / f"{index:03d}.md").write_text(f"---\n{front}\n---\n{bodies[index]}")
        else:
            (folder / f"{index:03d}.json").write_text(json.dumps(record))
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli,
        ["export", str(folder), "--out", str(out), "--config", str(FEED_TOML)],
        env={"FEED_EXPORTER_CACHE_DIR": str(tmp_path / "cache")},
    )
    assert result.exit_code == 0, result.stderr
    return out


def _xml(path: Path) -> etree._Element:
    # A plain, strict parse: any "]]>" or markup breaking out would fail here.
    return etree.fromstring(path.read_bytes(), etree.XMLParser(resolve_entities=False))


def test_markup_in_titles_and_excerpts_is_text_in_every_format(tmp_path: Path) -> None:
    records = [
        _record(index, title=text, excerpt=text, topics=[text], related=[
            {"title": text, "webUrl": f"https://rel.example.com/{index}"}
        ], provider={"name": text, "domain": "news.example.com"})
        for index, text in enumerate(HOSTILE_TEXT)
    ]  # fmt: skip
    out = _export(records, {}, tmp_path)
    expected = set(HOSTILE_TEXT)

    rss = _xml(out / "rss.xml")
    items = rss.findall("channel/item")
    # RSS titles hold the exact text, except text with an HTML end tag (`</script>`):
    # readers take RSS titles for HTML and the W3C validator warns (ContainsHTML), so
    # that text is escaped once as HTML, as the Atom title is declared type="html".
    assert {item.findtext("title") for item in items} == {rss_plain_text(t) for t in expected}
    assert html.escape(HOSTILE_TEXT[0], quote=False) in {item.findtext("title") for item in items}
    # RSS descriptions are HTML: the excerpt is escaped once, so a reader shows it as text
    for item in items:
        shown_as_html = _html(item.findtext("description") or "")
        assert len(shown_as_html) == 0  # no element at all
        assert shown_as_html.text_content() in expected
    assert {c.text for item in items for c in item.findall("category")} == expected

    atom = _xml(out / "atom.xml")
    entries = atom.findall(f"{ATOM}entry")
    for entry in entries:
        for tag in ("title", "summary"):
            element = entry.find(f"{ATOM}{tag}")
            assert element is not None and element.get("type") in (None, "text", "html")
            assert len(element) == 0  # never child elements, so never xhtml
    shown = {
        html.unescape(e.findtext(f"{ATOM}title") or "")
        if e.find(f"{ATOM}title").get("type") == "html"  # type: ignore[union-attr]
        else e.findtext(f"{ATOM}title")
        for e in entries
    }
    assert shown == expected
    assert {c.get("term") for e in entries for c in e.findall(f"{ATOM}category")} == expected

    feed = json.loads((out / "feed.json").read_bytes())
    assert {item["title"] for item in feed["items"]} == expected
    assert {item["summary"] for item in feed["items"]} == expected
    assert all("content_html" not in item for item in feed["items"])  # no body: text only

    for document in (rss, atom):
        assert not [e for e in document.iter("{*}script", "script")]


@pytest.mark.parametrize(
    "where",
    ["webUrl", "originalUrl", "image", "related", "related-amp", "related-image", "domain"],
)
def test_script_urls_are_rejected_wherever_a_url_goes(tmp_path: Path, where: str) -> None:
    records = []
    for index, url in enumerate(SCRIPT_URLS):
        places: dict[str, dict[str, Any]] = {
            "webUrl": {"webUrl": url},
            "originalUrl": {"originalUrl": url},
            "image": {"images": [{"url": url}]},
            "related": {"related": [{"title": "r", "webUrl": url}]},
            "related-amp": {
                "related": [{"title": "r", "webUrl": "https://r.example/", "ampWebUrl": url}]
            },
            "related-image": {
                "related": [
                    {"title": "r", "webUrl": "https://r.example/", "images": [{"url": url}]}
                ]
            },
            "domain": {"provider": {"name": "P", "domain": url}},
        }
        records.append(_record(index, **places[where]))
    records.append(_record(99))  # one good record, so feeds are written
    folder_out = _export(records, {}, tmp_path)
    validate = CliRunner().invoke(cli, ["validate", "-o", "json", str(tmp_path / "records")])
    report = json.loads(validate.stdout)
    assert report["counts"]["invalid"] == len(SCRIPT_URLS)
    rules = {p["rule"] for p in report["problems"]}
    assert rules <= {"url-scheme", "invalid-url", "invalid-domain"}, rules
    for name in ("rss.xml", "atom.xml", "feed.json"):
        data = (folder_out / name).read_bytes().lower()
        for scheme in (b"javascript", b"vbscript", b"data:", b"evil.example"):
            assert scheme not in data, (name, scheme)


def _html(fragment: str) -> lxml.html.HtmlElement:
    """The fragment as a reader's HTML parser sees it, inside a <div>."""
    return lxml.html.fragment_fromstring(fragment, create_parent="div")


def _urls_in_html(fragment: str) -> list[str]:
    root = _html(fragment)
    return [value for element in root.iter() for key, value in element.attrib.items()
            if key in ("href", "src")]  # fmt: skip


def test_bodies_are_sanitised_in_every_format(tmp_path: Path) -> None:
    out = _export([_record(0)], {0: HOSTILE_BODY}, tmp_path)
    rss = _xml(out / "rss.xml")
    atom = _xml(out / "atom.xml")
    feed = json.loads((out / "feed.json").read_bytes())
    fragments = {  # RSS: content:encoded, or the description when there is no excerpt
        "rss": rss.findtext(f"channel/item/{CONTENT}") or rss.findtext("channel/item/description"),
        "atom": atom.findtext(f"{ATOM}entry/{ATOM}content") or "",
        "json": feed["items"][0]["content_html"],
    }
    assert len(set(fragments.values())) == 1  # the same sanitised HTML everywhere
    fragment = fragments["json"]
    root = _html(fragment)
    tags = {element.tag for element in root.iter()} - {"div"}
    assert tags <= {"p", "a", "img", "br"}, tags
    assert not [k for e in root.iter() for k in e.attrib if k.startswith("on")]
    urls = _urls_in_html(fragment)
    assert urls == ["https://example.com/ok"]
    assert not any(is_dangerous_url(url) for url in urls)
    text = root.text_content()
    assert "<script>alert('body')</script>" in text  # shown as text, not run
    assert "]]>" in text


def test_cdata_end_in_every_text_field_keeps_the_xml_well_formed(tmp_path: Path) -> None:
    text = "a ]]> b ]]]]><![CDATA[> c <![CDATA[ d"
    record = _record(
        0, title=text, excerpt=text, topics=[text], category=text, type=text,
        provider={"name": text, "domain": "news.example.com"},
        related=[{"title": text, "webUrl": "https://rel.example.com/x", "excerpt": text}],
    )  # fmt: skip
    out = _export([record], {0: f"{text}\n\n`{text}`\n\n    {text}\n"}, tmp_path)
    rss = _xml(out / "rss.xml")
    atom = _xml(out / "atom.xml")
    assert rss.findtext("channel/item/title") == text
    assert _html(rss.findtext(f"channel/item/{CONTENT}") or "").text_content().count(text) == 3
    assert html.unescape(atom.findtext(f"{ATOM}entry/{ATOM}title") or "") == text
    related = [
        link.get("title") for link in atom.iter(f"{ATOM}link") if link.get("rel") == "related"
    ]
    assert related == [text]
    content = _html(atom.findtext(f"{ATOM}entry/{ATOM}content") or "").text_content()
    assert content.count(text) == 3
    item = json.loads((out / "feed.json").read_bytes())["items"][0]
    assert _html(item["content_html"]).text_content().count(text) == 3
