"""Property tests over the whole `validate` / `export` / `check` pipeline, through
the CLI: arbitrary bytes, arbitrary YAML and valid-looking records full of hostile
strings (control characters, lone surrogates, U+FFFE, RTL marks, `]]>`, markup,
1 MB titles, deeply nested lists).

Invariants on every input:
- no uncaught exception and no traceback, only the documented exit codes;
- every input file is accounted for: listed as checked, and either valid, named
  by a problem, or a .json file holding an empty array (no record, no problem);
- every record `validate` calls valid is exported, and nothing else is;
- every feed written passes `check` with no errors;
- no `secured` value appears in any feed or any report.
"""

from __future__ import annotations

import base64
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from exporter.cli.main import cli
from tests.support import FEED_TOML, examples

CONFIG = str(FEED_TOML)
BASE = "https://example.org/feeds/"  # base_url in feed.toml, for the self-link rules
SUFFIXES = (".md", ".txt", ".json", ".jsonl")
PROPERTY = settings(
    max_examples=examples(20),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

NASTY = st.sampled_from(
    [
        "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9f",
        "\ud800", "\udfff", "\ufffe", "\uffff", "\ufeff",
        "\u202e", "\u202c", "\u200f", "\u200e", "\u2028", "\u2029", "\u00a0",
        "]]>", "<![CDATA[", "<script>alert(1)</script>", "<b>", "&", "&amp;", "&#0;",
        "<", ">", '"', "'", "\t", "\n", "\r\n", "\r", " ", "é", "東京", "🎉", "\\",
        "javascript:alert(1)", "{{x}}", "%s", "---",
    ]
)  # fmt: skip
TEXT = st.lists(st.one_of(NASTY, st.text(max_size=8)), max_size=6).map("".join)
# Hostile but legal: what a valid record may carry (no characters XML cannot hold)
ILLEGAL = set("\x00\x01\x08\x0b\x0c\x1b\ud800\udfff\ufffe\uffff")
LEGAL_TEXT = TEXT.map(
    lambda text: (
        "T " + "".join(c for c in text if c not in ILLEGAL and not 0xD800 <= ord(c) < 0xE000)
    )
)
MEGABYTE_TITLE = "A very long title " + "x" * 1_000_000


def _nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = [value]
    return value


@st.composite
def hostile_record(draw: st.DrawFn, index: int) -> dict[str, Any]:
    """A record shaped like a real one, with hostile strings in its text fields."""
    # Most records hold only legal text, so many are valid and reach the feeds.
    text = LEGAL_TEXT if draw(st.integers(0, 3)) else TEXT
    title = MEGABYTE_TITLE if draw(st.integers(0, 29)) == 0 else draw(text)
    event(f"1 MB title: {title is MEGABYTE_TITLE}")
    record: dict[str, Any] = {
        "title": title,
        "webUrl": f"https://news.example.com/{index}/{draw(st.sampled_from(['a', 'b%20c', 'é']))}",
        "publishedDateTime": draw(
            st.sampled_from(["2021-02-09T04:31:00Z", "2020-12-31T23:59:59+05:30"] * 3 + ["2021"])
        ),
    }
    optional: dict[str, Any] = {
        "excerpt": text,
        "category": text,
        "type": text,
        "topics": st.lists(text, max_size=3, unique=True),
        "provider": st.fixed_dictionaries(
            {"name": text, "domain": st.sampled_from(["example.com", "a.b.example", "bad domain"])}
        ),
        "related": st.lists(
            st.fixed_dictionaries(
                {"title": text, "webUrl": st.sampled_from(["https://r.example/1", "javascript:x"])}
            ),
            max_size=2,
        ),
        "images": st.lists(
            st.fixed_dictionaries({"url": st.just("https://img.example/1.jpg")}), max_size=1
        ),
        "quality": st.integers(0, 105),
        "published": st.booleans(),
    }
    for name in draw(st.lists(st.sampled_from(sorted(optional)), unique=True)):
        record[name] = draw(optional[name])
    if draw(st.integers(0, 4)) == 0:  # a deeply nested list where a list of text belongs
        record["topics"] = _nested(draw(st.integers(1, 200)))
    record["secured"] = ";".join(
        base64.b64encode(draw(st.binary(min_size=12, max_size=40))).decode() for _ in range(2)
    )
    return record


def _as_file(record: dict[str, Any], suffix: str) -> bytes:
    if suffix in (".json", ".jsonl"):
        return json.dumps(record).encode()  # lone surrogates become \\ud800 escapes
    lines = [f"{key}: {json.dumps(value)}" for key, value in record.items()]
    return ("---\n" + "\n".join(lines) + "\n---\nBody <script>x</script> ]]>\n").encode()


@dataclass
class Inputs:
    files: dict[str, bytes] = field(default_factory=dict)  # name -> content
    urls: dict[str, str] = field(default_factory=dict)  # name -> webUrl, where written
    secrets: list[str] = field(default_factory=list)


@contextmanager
def _written(inputs: Inputs) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        records = Path(folder, "records")
        records.mkdir()
        for name, data in inputs.files.items():
            (records / name).write_bytes(data)
        yield Path(folder)


def _run(*args: str, cache: Path) -> Result:
    """One command in-process, with its own cache (hostile outcomes get cached too)."""
    result = CliRunner().invoke(cli, list(args), env={"FEED_EXPORTER_CACHE_DIR": str(cache)})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


def _empty_array(name: str, data: bytes) -> bool:
    """A .json file holding `[]`: read without a problem, and no record in it."""
    if not name.endswith(".json"):
        return False
    try:
        inner = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        return False
    return inner[:1] == "[" and inner[-1:] == "]" and not inner[1:-1].strip(" \t\n\r")


def _check_invariants(inputs: Inputs) -> None:
    with _written(inputs) as folder:
        records, out = folder / "records", folder / "out"
        names = {str(records / name) for name in inputs.files}
        empty = {
            str(records / name) for name, data in inputs.files.items() if _empty_array(name, data)
        }

        cache = folder / "cache"
        validate = _run("validate", "-o", "json", str(records), cache=cache)
        assert validate.exit_code in (0, 1)
        report = json.loads(validate.stdout)
        assert set(report["checked"]) == names
        named = {p["path"] for p in report["problems"] if p["severity"] == "error"}
        # "no records found" names the folder given, only when no file gave a record
        # or a problem: when every file is an empty array.
        assert (str(records) in named) == (empty == names)
        named.discard(str(records))
        assert named <= names
        valid_files = names - named - empty  # one record per file
        event(f"valid files: {'some' if valid_files else 'none'}")
        assert report["counts"]["valid"] == len(valid_files)

        export = _run(
            "export", str(records), "--out", str(out), "--config", CONFIG, "-o", "json", cache=cache
        )
        summary = json.loads(export.stderr)
        assert set(summary["checked"]) == names
        assert summary["counts"]["skipped"] == len(names) - len(valid_files) - len(empty)
        if valid_files:
            assert export.exit_code == 0, export.stderr
            assert summary["counts"]["exported"] == len(valid_files)
            feed = json.loads((out / "feed.json").read_bytes())
            exported = {item["id"] for item in feed["items"]}
            expected = {inputs.urls.get(Path(name).name) for name in valid_files}
            assert exported == expected
            check = _run("check", str(out), "--base", BASE, "-o", "json", cache=cache)
            errors = [p for p in json.loads(check.stdout)["problems"] if p["severity"] == "error"]
            assert errors == [] and check.exit_code == 0
        else:
            # nothing valid: the (here absent) previous feeds are kept, exit 1
            assert export.exit_code == 1, export.stderr
            assert "no valid records" in summary["summary"]

        written = b"".join(p.read_bytes() for p in out.iterdir()) if out.exists() else b""
        reports = (validate.stdout + validate.stderr + export.stdout + export.stderr).encode()
        for secret in inputs.secrets:
            for part in secret.split(";"):
                assert part.encode() not in written
                assert part.encode() not in reports


@PROPERTY
@given(
    st.lists(st.tuples(st.sampled_from(SUFFIXES), st.binary(max_size=400)), min_size=1, max_size=4)
)
# Found at random: JSON Lines files whose only lines are whitespace to str.strip
# (U+001C) or empty once the byte-order mark is dropped gave no record and no
# problem, so "no records found" named the folder instead; they are empty files.
@example([(".jsonl", b"\x1c")])
@example([(".jsonl", b"\xef\xbb\xbf")])
@example([(".jsonl", b"\xef\xbb\xbf\n\xe2\x80\x83\n"), (".md", b"\x1c")])
# An empty array is a .json file with no record and no problem, the folder named
# only when every file is one.
@example([(".json", b"\xef\xbb\xbf [ \r\n]\x1c")])
@example([(".json", b"[]"), (".jsonl", b"\x1c")])
def test_arbitrary_bytes(files: list[tuple[str, bytes]]) -> None:
    inputs = Inputs({f"{index}{suffix}": data for index, (suffix, data) in enumerate(files)})
    _check_invariants(inputs)


YAML_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | TEXT | st.dates() | st.datetimes(),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=12,
)
YAMLISH = st.text(
    alphabet=st.sampled_from(list("ab:- \n\t[]{},&*!|>'\"#%@`?~.019eEnNtTzZ+\\\x00\x85\ufeff")),
    max_size=120,
)


@st.composite
def yaml_document(draw: st.DrawFn, index: int) -> tuple[bytes, str | None]:
    """Front matter from arbitrary YAML: the required fields with any values (or
    none), any other keys, or YAML-ish noise."""
    url = None
    if draw(st.booleans()):
        body = draw(YAMLISH)
    else:
        mapping: dict[Any, Any] = {
            key: draw(YAML_VALUES)
            for key in draw(
                st.lists(
                    st.sampled_from(["title", "webUrl", "publishedDateTime", "x"]), unique=True
                )
            )
        }
        mapping.update(
            draw(st.dictionaries(st.one_of(TEXT, st.integers()), YAML_VALUES, max_size=3))
        )
        if draw(st.booleans()):  # the required fields right: the rest decides
            mapping["title"] = draw(LEGAL_TEXT)
            mapping["webUrl"] = url = f"https://yaml.example.com/{index}"
            mapping["publishedDateTime"] = "2021-02-09T04:31:00Z"
        try:
            body = yaml.safe_dump(mapping, allow_unicode=draw(st.booleans()))
        except yaml.YAMLError:
            body = draw(YAMLISH)
    return ("---\n" + body + "\n---\nbody\n").encode("utf-8", "surrogatepass"), url


@PROPERTY
@given(st.data())
def test_arbitrary_yaml(data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 3))
    inputs = Inputs()
    for index in range(count):
        inputs.files[f"{index}.md"], url = data.draw(yaml_document(index))
        if url is not None:
            inputs.urls[f"{index}.md"] = url
    _check_invariants(inputs)


@settings(PROPERTY, max_examples=examples(30))
@given(st.data())
def test_valid_looking_records_with_hostile_strings(data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 4))
    inputs = Inputs()
    for index in range(count):
        record = data.draw(hostile_record(index))
        suffix = data.draw(st.sampled_from((".json", ".jsonl", ".md")))
        inputs.files[f"{index}{suffix}"] = _as_file(record, suffix)
        inputs.urls[f"{index}{suffix}"] = record["webUrl"]
        inputs.secrets.append(record["secured"])
    _check_invariants(inputs)
