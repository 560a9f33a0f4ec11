"""The four output formats: exact text lines, parseable JSON, escaped GitHub commands, JUnit XML."""

from __future__ import annotations

import io
import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner, Result
from lxml import etree

from exporter.cli.main import cli
from exporter.problems import Problem, Severity
from exporter.report import Report, format_problem, write_report
from exporter.report.github import annotation
from tests.support import REPO

GOOD = (
    '---\ntitle: Good\npublishedDateTime: 2021-02-09T04:31:00Z\nwebUrl: "https://e.com/good"\n---\n'
)
BAD = (
    "---\ntitle: Bad\npublishedDateTime: 2021-02-09\nwebUrl: 'https://e.com/bad'\ntype: yes\n---\n"
)


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder with one good record, one bad record and one unreadable file."""
    (tmp_path / "a-good.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b-bad.md").write_text(BAD, encoding="utf-8")
    (tmp_path / "c-empty.json").write_bytes(b"")
    return tmp_path


def render(report: Report, output_format: str, color: bool | None = None) -> str:
    stream = io.StringIO()
    write_report(report, output_format, stream, color)
    return stream.getvalue()


FULL = Problem(
    path="records/a.md",
    rule="wrong-type",
    message="`type` must be a string, not a boolean",
    line=5,
    column=7,
    pointer="/type",
    hint="YAML read 'yes' as a boolean; quote it: \"yes\"",
)
BARE = Problem(path="records/b.json", rule="empty-file", message="file is empty")
WARNING = Problem(path="records/a.md", rule="w", message="careful", severity=Severity.WARNING)


# --- text ---


def test_text_line_has_location_severity_rule_message_pointer_and_hint() -> None:
    assert format_problem(FULL) == (
        "records/a.md:5:7: error [wrong-type] `type` must be a string, not a boolean "
        "(at /type; YAML read 'yes' as a boolean; quote it: \"yes\")"
    )
    assert format_problem(BARE) == "records/b.json: error [empty-file] file is empty"
    assert format_problem(WARNING) == "records/a.md: warning [w] careful"


def test_text_keeps_one_line_per_problem_whatever_the_message() -> None:
    problem = Problem(path="a.md", rule="r", message="two\nlines\r\n  and\tspaces", line=1)
    assert format_problem(problem) == "a.md:1: error [r] two lines and spaces"


def test_text_report_through_the_cli(inputs: Path) -> None:
    result = run("validate", str(inputs))
    assert result.exit_code == 1
    bad, empty = inputs / "b-bad.md", inputs / "c-empty.json"
    assert result.stdout.splitlines() == [
        f"{bad}:3: error [invalid-date-time] `publishedDateTime` must be an RFC 3339 date-time "
        "with a time zone, such as 2021-02-09T04:31:00Z (got '2021-02-09') (at "
        "/publishedDateTime; YAML read this as a date only; add a time and offset, such as "
        "T00:00:00Z)",
        f"{bad}:5: error [wrong-type] `type` must be a string, not a boolean "
        "(at /type; YAML read 'yes' as a boolean; quote it: \"yes\")",
        f"{empty}: error [empty-file] file is empty",
        "2 records, 1 valid, 1 invalid, 1 file unreadable",
    ]
    assert "\x1b[" not in result.output


def test_text_is_coloured_only_when_asked_or_on_a_terminal() -> None:
    report = Report(command="validate", problems=[FULL], summary="1 record")
    plain = render(report, "text")
    assert "\x1b[" not in plain
    coloured = render(report, "text", color=True)
    assert "\x1b[31m" in coloured  # red severity and summary
    assert click.unstyle(coloured) == plain


def test_green_summary_when_all_is_well() -> None:
    coloured = render(Report(command="validate", problems=[], summary="1 record"), "text", True)
    assert coloured == "\x1b[32m1 record\x1b[0m\n"


@pytest.mark.parametrize(
    ("problems", "failed", "colour"),
    [
        ([], None, "\x1b[32m"),  # green: all is well
        ([WARNING], None, "\x1b[33m"),  # yellow: passed, with warnings
        ([FULL], False, "\x1b[33m"),  # yellow: an export that skipped a record
        ([FULL], None, "\x1b[31m"),  # red: validate found an error
        ([], True, "\x1b[31m"),  # red: the run failed
    ],
)
def test_summary_is_red_only_when_the_run_failed(
    problems: list[Problem], failed: bool | None, colour: str
) -> None:
    report = Report(command="export", problems=problems, summary="done", failed=failed)
    assert render(report, "text", True).endswith(f"{colour}done\x1b[0m\n")


def test_successful_export_that_skipped_a_record_is_not_red(tmp_path: Path) -> None:
    """Issue 13: the export summary was red on success."""
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b.md").write_text(BAD, encoding="utf-8")
    config = REPO / "feed.toml"
    out = tmp_path / "out"
    result = run("export", str(tmp_path), "--out", str(out), "--config", str(config),
                 "--no-cache", "--color", "always")  # fmt: skip
    assert result.exit_code == 0, result.output
    summary = result.stderr.splitlines()[-1]
    assert "1 article exported to 3 feeds, 1 record skipped" in summary
    assert summary.startswith("\x1b[33m")  # yellow: exported, with problems to look at


# --- json ---


def test_json_report_through_the_cli(inputs: Path) -> None:
    result = run("validate", "--output-format", "json", str(inputs))
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert document["command"] == "validate"
    assert document["summary"] == "2 records, 1 valid, 1 invalid, 1 file unreadable"
    assert document["counts"] == {"records": 2, "valid": 1, "invalid": 1, "unreadable": 1}
    assert document["checked"] == [
        str(inputs / "a-good.md"),
        str(inputs / "b-bad.md"),
        str(inputs / "c-empty.json"),
    ]
    assert document["problems"][1] == {
        "path": str(inputs / "b-bad.md"),
        "line": 5,
        "column": None,
        "pointer": "/type",
        "severity": "error",
        "rule": "wrong-type",
        "message": "`type` must be a string, not a boolean",
        "hint": "YAML read 'yes' as a boolean; quote it: \"yes\"",
    }
    assert [(p["rule"], p["line"], p["pointer"]) for p in document["problems"]] == [
        ("invalid-date-time", 3, "/publishedDateTime"),
        ("wrong-type", 5, "/type"),
        ("empty-file", None, None),
    ]


def test_json_report_when_all_is_valid_and_quiet(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    result = run("validate", "-o", "json", "-q", str(tmp_path))
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["problems"] == []
    assert document["summary"] == ""
    assert document["counts"] == {"records": 1, "valid": 1, "invalid": 0, "unreadable": 0}


# --- github ---


def test_github_annotation_escapes_properties_and_data() -> None:
    problem = Problem(
        path="dir,with/odd:name%.md",
        rule="rule:x,y",
        message="100% sure\nsecond line\rthird",
        line=4,
        column=2,
        pointer="/title",
        hint="fix it",
    )
    assert annotation(problem) == (
        "::error file=dir%2Cwith/odd%3Aname%25.md,line=4,col=2,title=rule%3Ax%2Cy"
        "::100%25 sure%0Asecond line%0Dthird (at /title) fix it"
    )


def test_github_annotation_without_line_or_pointer() -> None:
    assert annotation(BARE) == "::error file=records/b.json,title=empty-file::file is empty"
    assert annotation(WARNING) == "::warning file=records/a.md,title=w::careful"


def test_github_report_through_the_cli(tmp_path: Path) -> None:
    odd = tmp_path / "50%,odd:name.md"
    odd.write_text(BAD, encoding="utf-8")
    escaped = str(odd).replace("%", "%25").replace(":", "%3A").replace(",", "%2C")
    result = run("validate", "-o", "github", str(odd))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"::error file={escaped},line=3,title=invalid-date-time::")
    assert lines[1] == (
        f"::error file={escaped},line=5,title=wrong-type::`type` must be a string, not a "
        "boolean (at /type) YAML read 'yes' as a boolean; quote it: \"yes\""
    )
    assert lines[2] == "1 record, 0 valid, 1 invalid, 0 files unreadable"
    assert len(lines) == 3


def test_github_report_with_quiet_has_only_annotations(inputs: Path) -> None:
    result = run("validate", "-o", "github", "--quiet", str(inputs))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith("::error file=") for line in lines)


# --- junit ---


def test_junit_report_has_one_testcase_per_input(inputs: Path) -> None:
    result = run("validate", "-o", "junit", str(inputs))
    assert result.exit_code == 1
    root = etree.fromstring(result.stdout.encode("utf-8"))
    assert root.tag == "testsuites"
    [suite] = root.findall("testsuite")
    assert suite.get("name") == "feed-exporter validate"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "2", "0")
    cases = suite.findall("testcase")
    assert [case.get("name") for case in cases] == [
        str(inputs / "a-good.md"),
        str(inputs / "b-bad.md"),
        str(inputs / "c-empty.json"),
    ]
    assert cases[0].find("failure") is None
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("type") == "invalid-date-time"
    assert failure.text is not None
    # the first problem itself (issue 13: the message was only "2 problem(s)")
    assert failure.get("message") == failure.text.splitlines()[0] + " (and 1 more error)"
    assert failure.get("message", "").startswith(f"{inputs / 'b-bad.md'}:3: error [invalid-date")
    assert failure.text.splitlines()[1] == (
        f"{inputs / 'b-bad.md'}:5: error [wrong-type] `type` must be a string, not a boolean "
        "(at /type; YAML read 'yes' as a boolean; quote it: \"yes\")"
    )
    empty = cases[2].find("failure")
    assert empty is not None and empty.get("type") == "empty-file"
    assert empty.get("message") == f"{inputs / 'c-empty.json'}: error [empty-file] file is empty"


def test_junit_all_valid_has_no_failures(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(GOOD, encoding="utf-8")
    result = run("validate", "-o", "junit", str(tmp_path))
    assert result.exit_code == 0
    suite = etree.fromstring(result.stdout.encode("utf-8")).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "0")


def test_junit_stdin_is_one_testcase() -> None:
    text = json.dumps({"title": "x"}) + "\n"
    result = run("validate", "-o", "junit", "-", stdin=text)
    assert result.exit_code == 1
    suite = etree.fromstring(result.stdout.encode("utf-8")).find("testsuite")
    assert suite is not None
    assert (suite.get("tests"), suite.get("failures")) == ("1", "1")
    assert [case.get("name") for case in suite.findall("testcase")] == ["<stdin>"]


def test_junit_warnings_go_to_system_out_not_failures() -> None:
    report = Report(command="check", problems=[WARNING], checked=["records/a.md"])
    root = etree.fromstring(render(report, "junit").encode("utf-8"))
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("failures") == "0"
    case = suite.find("testcase")
    assert case is not None
    assert case.find("failure") is None
    assert case.findtext("system-out") == "records/a.md: warning [w] careful"


def test_verbose_does_not_call_failing_stdin_ok() -> None:
    result = run("validate", "-v", "-", stdin=json.dumps({"title": "x"}) + "\n")
    assert result.exit_code == 1
    assert "ok" not in result.stderr


# --- user data with control characters: shown, never obeyed ---

HOSTILE = (
    '{"title": "T", "publishedDateTime": "2021-02-09T04:31:00Z", "webUrl": "https://e.com/", '
    '"\\u001b[31mred\\u0001": 1}\n'
)
SHOWN = "unknown field `\\x1b[31mred\\x01` (at /\\x1b[31mred\\x01)"


def test_text_shows_control_characters_instead_of_sending_them(tmp_path: Path) -> None:
    path = tmp_path / "ctl.jsonl"
    path.write_text(HOSTILE, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines()[0] == f"{path}:1: error [unknown-field] {SHOWN}"
    assert "\x1b" not in result.stdout


def test_junit_with_control_characters_is_well_formed(tmp_path: Path) -> None:
    path = tmp_path / "ctl\x01name.jsonl"
    path.write_text(HOSTILE, encoding="utf-8")
    result = run("validate", "-o", "junit", str(path))
    assert result.exit_code == 1
    suite = etree.fromstring(result.stdout.encode("utf-8")).find("testsuite")
    assert suite is not None
    case = suite.find("testcase")
    assert case is not None
    shown_path = str(tmp_path / "ctl\\x01name.jsonl")
    assert case.get("name") == shown_path
    assert case.findtext("failure") == f"{shown_path}:1: error [unknown-field] {SHOWN}"


def test_github_shows_control_characters_but_keeps_encoded_newlines() -> None:
    problem = Problem(path="a.md", rule="r", message="bell\x07 and\nnext", line=1)
    assert annotation(problem) == "::error file=a.md,line=1,title=r::bell\\x07 and%0Anext"
