"""Every contract rule: a record that breaks it, and the exact rule, pointer, line and hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from exporter.contract import check_record
from exporter.load.frontmatter_ import parse_front_matter
from exporter.load.settings import LoadSettings
from exporter.load.sources import load_source
from exporter.records import Record

# lines 2, 3, 4 of the file; extra fields start on line 5
BASE = 'title: T\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/a"\n'
# a related item whose next field goes on line 8
RELATED = "related:\n  - title: R\n    webUrl: 'https://e.com/r'\n"

Found = tuple[str, str | None, int | None]


def record(fields: str) -> Record:
    loaded = parse_front_matter(f"---\n{fields}---\n", "r.md", LoadSettings())
    assert isinstance(loaded, Record), loaded
    return loaded


def found(fields: str) -> list[Found]:
    return [(p.rule, p.pointer, p.line) for p in check_record(record(fields))]


def hints(fields: str) -> list[str | None]:
    return [p.hint for p in check_record(record(fields))]


def test_seed_record_meets_the_contract(seed_file: Path) -> None:
    [seed] = load_source(str(seed_file), LoadSettings())
    assert isinstance(seed, Record)
    assert check_record(seed) == []


def test_minimal_record_meets_the_contract() -> None:
    assert found(BASE) == []


# --- missing-field ---


@pytest.mark.parametrize("name", ["title", "publishedDateTime", "webUrl"])
def test_missing_required_field(name: str) -> None:
    fields = "".join(line + "\n" for line in BASE.splitlines() if not line.startswith(name))
    problems = check_record(record(fields))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("missing-field", f"/{name}", 2)]
    assert problems[0].message == f"required field `{name}` is missing"


def test_missing_field_in_a_nested_item_points_at_the_item() -> None:
    fields = BASE + "related:\n  - title: R\n    type: article\n"
    assert found(fields) == [("missing-field", "/related/0/webUrl", 6)]


def test_missing_provider_name() -> None:
    assert found(BASE + "provider:\n  domain: e.com\n") == [("missing-field", "/provider/name", 5)]


def test_every_missing_field_is_reported() -> None:
    assert found("category: news\n") == [
        ("missing-field", "/title", 2),
        ("missing-field", "/publishedDateTime", 2),
        ("missing-field", "/webUrl", 2),
    ]


# --- unknown-field ---


def test_typo_of_published_date_time_is_unknown_with_a_hint() -> None:
    fields = BASE + "publishDateTime: 2021-02-09T04:31:00Z\n"
    problems = check_record(record(fields))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [
        ("unknown-field", "/publishDateTime", 5)
    ]
    assert problems[0].hint == "did you mean `publishedDateTime`?"
    assert problems[0].message == "unknown field `publishDateTime`"


def test_unknown_field_without_a_close_match_has_no_hint() -> None:
    problems = check_record(record(BASE + "zzzz: 1\n"))
    assert [(p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("unknown-field", "/zzzz", 5, None)
    ]


def test_unknown_field_in_nested_objects() -> None:
    fields = (
        BASE
        + "provider:\n  name: N\n  domian: e.com\nimages:\n  - url: 'https://e.com/i'\n    alt: x\n"
    )
    problems = check_record(record(fields))
    assert [(p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("unknown-field", "/images/0/alt", 10, None),
        ("unknown-field", "/provider/domian", 7, "did you mean `domain`?"),
    ]


# --- wrong-type, with YAML hints ---


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("yes", "a boolean"),
        ("no", "a boolean"),
        ("on", "a boolean"),
        ("off", "a boolean"),
        ("true", "a boolean"),
        ("12", "a number"),
        ("1.5", "a number"),
        ("0x1F", "a number"),
        ("null", "an empty value (null)"),
        ("~", "an empty value (null)"),
    ],
)
def test_yaml_type_trap_has_a_quote_hint(value: str, kind: str) -> None:
    problems = check_record(record(BASE + f"type: {value}\n"))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("wrong-type", "/type", 5)]
    assert problems[0].hint == f'YAML read {value!r} as {kind}; quote it: "{value}"'
    assert problems[0].message.startswith("`type` must be a string, not ")


def test_wrong_type_of_a_quoted_value_has_no_yaml_hint() -> None:
    problems = check_record(record(BASE + 'quality: "55"\n'))
    assert [(p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("wrong-type", "/quality", 5, None)
    ]
    assert problems[0].message == "`quality` must be a whole number, not a string"


@pytest.mark.parametrize(
    ("fields", "pointer", "line"),
    [
        ("quality: 5.5\n", "/quality", 5),
        ("published: 1\n", "/published", 5),
        ("heat: yes\n", "/heat", 5),
    ],
)
def test_quoting_is_not_suggested_when_a_string_would_be_wrong_too(
    fields: str, pointer: str, line: int
) -> None:
    problems = check_record(record(BASE + fields))
    assert [(p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("wrong-type", pointer, line, None)
    ]


@pytest.mark.parametrize(
    ("fields", "pointer", "line", "message"),
    [
        ("provider: Fox\n", "/provider", 5, "`provider` must be a mapping, not a string"),
        ("topics: AI\n", "/topics", 5, "`topics` must be a list, not a string"),
        ("published: 'false'\n", "/published", 5, "`published` must be a boolean, not a string"),
        (
            "images:\n  - url: 'https://e.com/i'\n    width: '626'\n",
            "/images/0/width",
            7,
            "`images.0.width` must be a whole number, not a string",
        ),
        ("related:\n  - text\n", "/related/0", 6, "`related.0` must be a mapping, not a string"),
    ],
)
def test_wrong_type_messages(fields: str, pointer: str, line: int, message: str) -> None:
    problems = check_record(record(BASE + fields))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("wrong-type", pointer, line)]
    assert problems[0].message == message


def test_unquoted_date_title_is_read_as_text() -> None:
    # YAML reads it as a date; we turn dates into strings, so a date-shaped
    # title is still a title rather than a type error
    assert record("title: 2021-02-09\n").data["title"] == "2021-02-09"


# --- text rules ---


@pytest.mark.parametrize(
    ("fields", "pointer", "line"),
    [
        ('title: "bell \\a here"\n', "/title", 2),
        ('title: "nul \\0"\n', "/title", 2),
        ('title: "\\uFFFE"\n', "/title", 2),
        ('excerpt: "esc \\e"\n', "/excerpt", 5),
        ('provider:\n  name: "x\\x0b"\n', "/provider/name", 6),
        ('topics: [ok, "bad\\x01"]\n', "/topics/1", 5),
    ],
)
def test_xml_illegal_characters(fields: str, pointer: str, line: int) -> None:
    # a bad title replaces the good one on line 2; other fields go after BASE
    text = fields + BASE.split("\n", 1)[1] if fields.startswith("title") else BASE + fields
    problems = check_record(record(text))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("xml-illegal-char", pointer, line)]
    assert "XML cannot carry" in problems[0].message


def test_tab_newline_and_return_are_legal_text() -> None:
    assert found(BASE + 'excerpt: "a\\tb\\nc\\r"\n') == []


@pytest.mark.parametrize("value", ['""', '"   "', '"\\t"', '"\\n\\t "'])
def test_empty_title(value: str) -> None:
    rest = BASE.split("\n", 1)[1]
    problems = check_record(record(f"title: {value}\n" + rest))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("empty-text", "/title", 2)]
    assert problems[0].message == "`title` is empty; write some text"


def test_empty_topic_and_related_title() -> None:
    fields = (
        BASE + "topics:\n  - AI\n  - ''\nrelated:\n  - title: ' '\n    webUrl: 'https://e.com/r'\n"
    )
    assert found(fields) == [
        ("empty-text", "/related/0/title", 9),
        ("empty-text", "/topics/1", 7),
    ]


def test_empty_excerpt_is_allowed() -> None:
    assert found(BASE + 'excerpt: ""\n') == []


# --- URLs ---


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "JavaScript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "/relative/path",
        "relative/path",
        "//e.com/protocol-relative",
        "ftp://e.com/file",
        "mailto:a@e.com",
        "http://",
    ],
)
def test_url_scheme(url: str) -> None:
    problems = check_record(record(BASE.replace('"https://e.com/a"', f'"{url}"')))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("url-scheme", "/webUrl", 4)]
    # the value is echoed (issue 13); a space is invalid-url (test_url_messages.py)
    assert problems[0].message.startswith("`webUrl` must be an ")
    assert problems[0].message.endswith(f"(got {url!r})")


@pytest.mark.parametrize(
    "url",
    [
        "https://e.com/a|b",
        "https://e.com/%zz",
        "https://e.com/<script>",
        "https://e.com/a^b",
        'https://e.com/"quoted"',
        "https://e.com/{x}",
    ],
)
def test_invalid_url_passes_the_pattern_but_not_rfc_3986(url: str) -> None:
    escaped = url.replace('"', '\\"')
    problems = check_record(record(BASE.replace('"https://e.com/a"', f'"{escaped}"')))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("invalid-url", "/webUrl", 4)]
    # the message names the character (issue 13) and still echoes the value
    assert problems[0].message.startswith("`webUrl` contains ")
    assert problems[0].message.endswith(f"(got {url!r})")
    assert problems[0].hint is not None and "%" in problems[0].hint


@pytest.mark.parametrize(
    "url",
    ["http://e.com", "HTTPS://E.COM/", "https://e.com:8443/a?b=c&d=%20#frag", "https://[::1]/x"],
)
def test_good_urls(url: str) -> None:
    assert found(BASE.replace('"https://e.com/a"', f'"{url}"')) == []


@pytest.mark.parametrize(
    ("fields", "pointer", "line"),
    [
        ("originalUrl: 'ftp://e.com/'\n", "/originalUrl", 5),
        ("images:\n  - url: 'data:image/png;base64,AAAA'\n", "/images/0/url", 6),
        (
            "related:\n  - title: R\n    webUrl: 'https://e.com/r'\n    ampWebUrl: '/amp'\n",
            "/related/0/ampWebUrl",
            8,
        ),
        (
            RELATED + "    cdnAmpWebUrl: 'javascript:x'\n",
            "/related/0/cdnAmpWebUrl",
            8,
        ),
    ],
)
def test_every_url_field_is_checked(fields: str, pointer: str, line: int) -> None:
    assert found(BASE + fields) == [("url-scheme", pointer, line)]


# --- date-times ---


def test_naive_timestamp_is_rejected_with_an_offset_hint() -> None:
    fields = BASE.replace("04:31:00Z", "04:31:00")
    problems = check_record(record(fields))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [
        ("invalid-date-time", "/publishedDateTime", 3)
    ]
    assert problems[0].hint == "add a time zone offset such as Z or +02:00"
    assert "(got '2021-02-09T04:31:00')" in problems[0].message


def test_bare_date_is_rejected_with_a_date_hint() -> None:
    fields = BASE.replace("2021-02-09T04:31:00Z", "2021-02-09")
    problems = check_record(record(fields))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [
        ("invalid-date-time", "/publishedDateTime", 3)
    ]
    assert problems[0].hint == (
        "YAML read this as a date only; add a time and offset, such as T00:00:00Z"
    )


@pytest.mark.parametrize(
    "value",
    ["yesterday", "'2021-02-30T04:31:00Z'", "'2021-02-09T04:31:00+25:00'", "'09/02/2021 04:31'"],
)
def test_nonsense_date_time_has_no_misleading_hint(value: str) -> None:
    fields = BASE.replace("2021-02-09T04:31:00Z", value)
    problems = check_record(record(fields))
    assert [(p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("invalid-date-time", "/publishedDateTime", 3, None)
    ]


def test_quoted_date_time_without_offset_gets_the_offset_hint() -> None:
    fields = BASE.replace("2021-02-09T04:31:00Z", "'2021-02-09 04:31:00'")
    assert hints(fields) == [None]
    fields = BASE.replace("2021-02-09T04:31:00Z", "'2021-02-09T04:31:00'")
    assert hints(fields) == ["add a time zone offset such as Z or +02:00"]


def test_related_date_time_is_checked() -> None:
    fields = BASE + RELATED + "    publishedDateTime: 2021-02-06\n"
    assert found(fields) == [("invalid-date-time", "/related/0/publishedDateTime", 8)]


# --- other value rules ---


@pytest.mark.parametrize(
    "domain", ["https://e.com", "e.com/path", "localhost", "-bad.com", "a..com", "e.com:80"]
)
def test_invalid_domain(domain: str) -> None:
    problems = check_record(record(BASE + f"provider:\n  name: N\n  domain: '{domain}'\n"))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [
        ("invalid-domain", "/provider/domain", 7)
    ]


@pytest.mark.parametrize("value", ["abc", "abc;", ";abc", "a b;c", "YQ==;YQ==;YQ==", "YQ===;YQ=="])
def test_secured_shape(value: str) -> None:
    problems = check_record(record(BASE + f"secured: '{value}'\n"))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("secured-shape", "/secured", 5)]
    assert problems[0].message == "`secured` must be two base64 strings joined by ';'"


@pytest.mark.parametrize(
    ("fields", "pointer", "line", "message"),
    [
        ("quality: 101\n", "/quality", 5, "`quality` must be at most 100"),
        ("quality: -1\n", "/quality", 5, "`quality` must be at least 0"),
        ("heat: -2\n", "/heat", 5, "`heat` must be at least -1"),
        (
            "images:\n  - url: 'https://e.com/i'\n    height: 0\n",
            "/images/0/height",
            7,
            "`images.0.height` must be at least 1",
        ),
        (
            "related:\n  - title: R\n    webUrl: 'https://e.com/r'\n    quality: 1000\n",
            "/related/0/quality",
            8,
            "`related.0.quality` must be at most 100",
        ),
    ],
)
def test_out_of_range(fields: str, pointer: str, line: int, message: str) -> None:
    problems = check_record(record(BASE + fields))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("out-of-range", pointer, line)]
    assert problems[0].message == message


def test_bounds_themselves_are_in_range() -> None:
    assert found(BASE + "quality: 0\nheat: -1\n") == []
    assert found(BASE + "quality: 100\n") == []


def test_duplicate_item() -> None:
    problems = check_record(record(BASE + "topics:\n  - AI\n  - ML\n  - AI\n"))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [("duplicate-item", "/topics", 5)]
    assert problems[0].message == "`topics` lists the same value twice"


def test_all_problems_of_one_record_are_reported_in_field_order() -> None:
    fields = (
        "title: ''\n"  # 2
        "publishedDateTime: 2021-02-09\n"  # 3
        "webUrl: 'javascript:x'\n"  # 4
        "quality: 200\n"  # 5
        "secured: nope\n"  # 6
        "type: yes\n"  # 7
        "tilte: typo\n"  # 8
    )
    assert sorted(found(fields)) == [
        ("empty-text", "/title", 2),
        ("invalid-date-time", "/publishedDateTime", 3),
        ("out-of-range", "/quality", 5),
        ("secured-shape", "/secured", 6),
        ("unknown-field", "/tilte", 8),
        ("url-scheme", "/webUrl", 4),
        ("wrong-type", "/type", 7),
    ]


def test_json_record_problems_point_at_the_record_line() -> None:
    data = {"title": "T", "publishedDateTime": "2021-02-09", "webUrl": "https://e.com/a"}
    problems = check_record(Record(data=data, source="r.jsonl", line=7))
    assert [(p.path, p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("r.jsonl", "invalid-date-time", "/publishedDateTime", 7, None)
    ]


@pytest.mark.parametrize("value", ["2021-02-30T04:31:00Z", "2021-02-29T10:00:00+01:00"])
def test_impossible_unquoted_date_time_is_invalid_not_a_crash(value: str) -> None:
    problems = check_record(record(BASE.replace("2021-02-09T04:31:00Z", value)))
    assert [(p.rule, p.pointer, p.line, p.hint) for p in problems] == [
        ("invalid-date-time", "/publishedDateTime", 3, None)
    ]
    assert f"(got {value!r})" in problems[0].message


# --- modifiedDateTime ---


def test_a_later_modification_time_meets_the_contract() -> None:
    assert found(BASE + "modifiedDateTime: 2021-02-10T09:00:00+02:00\n") == []
    assert found(BASE + "modifiedDateTime: 2021-02-09T04:31:00Z\n") == []  # unedited


def test_a_modification_before_publication_is_refused_at_its_line() -> None:
    problems = check_record(record(BASE + "modifiedDateTime: 2021-02-09T06:30:00+02:00\n"))
    assert [(p.rule, p.pointer, p.line) for p in problems] == [
        ("modified-before-published", "/modifiedDateTime", 5)
    ]
    assert "is before publishedDateTime" in problems[0].message


@pytest.mark.parametrize("value", ["'2021-02-10 09:00'", "'2021-02-10T09:00:00'", "yesterday"])
def test_a_modification_time_is_rfc_3339_with_an_offset(value: str) -> None:
    assert found(BASE + f"modifiedDateTime: {value}\n") == [
        ("invalid-date-time", "/modifiedDateTime", 5)
    ]
