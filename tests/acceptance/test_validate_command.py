"""`feed-exporter validate` and `schema` through click: outcomes, counts and exit codes."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner, Result

from exporter import __version__
from exporter.cli.main import cli

SEED_NAME = os.path.join("seeds", "000_bee16926b7eeda8c.txt")


def article(n: int, **extra: object) -> dict[str, object]:
    return {
        "title": f"Article {n}",
        "publishedDateTime": "2021-02-09T04:31:00Z",
        "webUrl": f"https://e.com/{n}",
        **extra,
    }


def front_matter(n: int) -> str:
    return (
        f"---\ntitle: Article {n}\npublishedDateTime: 2021-02-09T04:31:00Z\n"
        f'webUrl: "https://e.com/{n}"\n---\nBody {n}\n'
    )


def run(*args: str, stdin: str | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), input=stdin)


def problem_lines(result: Result) -> list[str]:
    return [line for line in result.stdout.splitlines() if ": error [" in line]


_LINE = re.compile(r"^(?P<file>.*?)(?::(?P<line>\d+))?: error \[(?P<rule>[^\]]+)\] ")


def located(result: Result, root: Path) -> list[str]:
    """`name:line rule` for each problem line, names relative to `root`."""
    found = []
    for line in problem_lines(result):
        match = _LINE.match(line)
        assert match, line
        where = os.path.relpath(match["file"], root)
        if match["line"]:
            where += f":{match['line']}"
        found.append(f"{where} {match['rule']}")
    return found


def summary(result: Result) -> str:
    return result.stdout.rstrip("\n").splitlines()[-1]


# --- the bundled seed ---


def test_seed_validates_by_default(in_repo: None) -> None:
    result = run("validate")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 record, 1 valid, 0 invalid, 0 files unreadable\n"


def test_seed_validates_given_explicitly(seed_file: Path) -> None:
    result = run("validate", str(seed_file))
    assert result.exit_code == 0
    assert summary(result) == "1 record, 1 valid, 0 invalid, 0 files unreadable"


def test_no_paths_and_no_seeds_folder_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("validate")
    assert result.exit_code == 2
    assert "no PATHS given, no seeds/ folder in" in result.stderr
    assert f"no feed.toml found in {tmp_path.resolve()}" in result.stderr
    assert 'set inputs = ["content"] under [export] in feed.toml' in result.stderr


# --- every input kind ---


def test_json_object_array_and_lines(tmp_path: Path) -> None:
    (tmp_path / "one.json").write_text(json.dumps(article(1)), encoding="utf-8")
    (tmp_path / "many.json").write_text(json.dumps([article(2), article(3)]), encoding="utf-8")
    lines = "\n".join(json.dumps(article(n)) for n in (4, 5, 6))
    (tmp_path / "more.jsonl").write_text(lines + "\n", encoding="utf-8")
    (tmp_path / "fm.md").write_text(front_matter(7), encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert result.stdout == "7 records, 7 valid, 0 invalid, 0 files unreadable\n"


def test_json_array_problem_points_at_its_record_line(tmp_path: Path) -> None:
    text = "[\n" + json.dumps(article(1)) + ",\n" + json.dumps(article(2, quality=101)) + "\n]\n"
    path = tmp_path / "r.json"
    path.write_text(text, encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{path}:3: error [out-of-range] `quality` must be at most 100 (at /quality)"
    ]
    assert summary(result) == "2 records, 1 valid, 1 invalid, 0 files unreadable"


def test_stdin_json_lines() -> None:
    text = json.dumps(article(1)) + "\n" + json.dumps(article(2, heat="hot")) + "\n"
    result = run("validate", "-", stdin=text)
    assert result.exit_code == 1
    assert problem_lines(result) == [
        "<stdin>:2: error [wrong-type] `heat` must be a whole number, not a string (at /heat)"
    ]
    assert summary(result) == "2 records, 1 valid, 1 invalid, 0 files unreadable"


def test_stdin_all_valid() -> None:
    text = "".join(json.dumps(article(n)) + "\n" for n in range(3))
    result = run("validate", "-", stdin=text)
    assert result.exit_code == 0
    assert result.stdout == "3 records, 3 valid, 0 invalid, 0 files unreadable\n"


def test_front_matter_with_bom_and_crlf_reports_right_lines(tmp_path: Path) -> None:
    text = "---\ntitle: T\npublishedDateTime: 2021-02-09\nwebUrl: 'https://e.com/a'\n---\n"
    path = tmp_path / "win.md"
    path.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{path}:3: error [invalid-date-time] `publishedDateTime` must be an RFC 3339 date-time "
        "with a time zone, such as 2021-02-09T04:31:00Z (got '2021-02-09') "
        "(at /publishedDateTime; YAML read this as a date only; add a time and offset, "
        "such as T00:00:00Z)"
    ]


# --- broken inputs beside valid ones ---


def _billion_laughs() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [" + ",".join(f"*{prev}" for _ in range(9)) + "]")
    return "---\n" + "\n".join(lines) + "\n---\n"


def test_broken_inputs_each_give_one_clean_problem(tmp_path: Path) -> None:
    (tmp_path / "01-valid.md").write_text(front_matter(1), encoding="utf-8")
    (tmp_path / "02-bad-yaml.md").write_text("---\ntitle: [oops\n---\n", encoding="utf-8")
    (tmp_path / "03-no-front-matter.md").write_text("# Just markdown\n", encoding="utf-8")
    (tmp_path / "04-latin1.txt").write_bytes(b"---\ntitle: caf\xe9\n---\n")
    (tmp_path / "05-empty.md").write_bytes(b"")
    (tmp_path / "06-binary.json").write_bytes(b"\x00\x01\x02PK\x03\x04")
    (tmp_path / "07-bomb.md").write_text(_billion_laughs(), encoding="utf-8")
    with (tmp_path / "08-huge.jsonl").open("wb") as handle:
        handle.truncate(10 * 1024 * 1024 + 1)
    (tmp_path / "09-valid.jsonl").write_text(
        json.dumps(article(2)) + "\n" + json.dumps(article(3)) + "\n", encoding="utf-8"
    )
    (tmp_path / "10-unclosed.md").write_text("---\ntitle: T\n", encoding="utf-8")
    (tmp_path / "11-blank.jsonl").write_bytes(b"\xef\xbb\xbf\x1c\n\xe2\x80\x83\n")  # BOM, spaces
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    found = located(result, tmp_path)
    assert found == [
        "02-bad-yaml.md:2:8 yaml-syntax",
        "03-no-front-matter.md:1 no-front-matter",
        "04-latin1.txt:2 encoding",
        "05-empty.md empty-file",
        "06-binary.json binary",
        "07-bomb.md:2 yaml-alias",
        "08-huge.jsonl too-large",
        "10-unclosed.md:1 no-front-matter",
        "11-blank.jsonl empty-file",
    ]
    assert summary(result) == "3 records, 3 valid, 0 invalid, 9 files unreadable"


def test_max_file_size_option(tmp_path: Path) -> None:
    small = tmp_path / "a.md"
    small.write_text(front_matter(1), encoding="utf-8")
    size = small.stat().st_size
    result = run("validate", "--max-file-size", str(size - 1), str(small))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{small}: error [too-large] file is {size:,} bytes, over the {size - 1:,}-byte limit "
        "(raise it with --max-file-size)"
    ]
    assert run("validate", "--max-file-size", "1k", str(small)).exit_code == 0


def test_max_depth_option(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    text = front_matter(1).replace("---\nBody", "provider:\n  name: N\n---\nBody")
    path.write_text(text, encoding="utf-8")
    assert run("validate", "--max-depth", "2", str(path)).exit_code == 0
    result = run("validate", "--max-depth", "1", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{path}:6: error [yaml-too-deep] nesting deeper than 1 levels"
    ]


def test_json_depth_through_the_cli(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text(json.dumps(article(1, provider={"name": {"x": {"y": 1}}})), encoding="utf-8")
    result = run("validate", "--max-depth", "2", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [f"{path}:1: error [too-deep] nesting deeper than 2 levels"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_and_symlink_loop_are_unreadable(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(front_matter(1), encoding="utf-8")
    os.mkfifo(tmp_path / "b-pipe.md")
    (tmp_path / "c-loop.json").symlink_to(tmp_path / "c-loop.json")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert [line.split(" [")[1].split("]")[0] for line in problem_lines(result)] == [
        "unreadable",
        "unreadable",
    ]
    assert problem_lines(result)[0].startswith(f"{tmp_path / 'b-pipe.md'}: error [unreadable]")
    assert problem_lines(result)[1].startswith(f"{tmp_path / 'c-loop.json'}: error [unreadable]")
    assert summary(result) == "1 record, 1 valid, 0 invalid, 2 files unreadable"


def test_unknown_input_type_given_explicitly(tmp_path: Path) -> None:
    path = tmp_path / "notes.rst"
    path.write_text(front_matter(1), encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{path}: error [unknown-input-type] unrecognised file type .rst: use .md, .markdown, "
        ".txt, .json or .jsonl"
    ]


def test_unknown_suffixes_in_folders_and_hidden_files_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(front_matter(1), encoding="utf-8")
    (tmp_path / "notes.rst").write_text("garbage", encoding="utf-8")
    (tmp_path / ".draft.md").write_text("garbage", encoding="utf-8")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "x.json").write_text("garbage", encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0
    assert result.stdout == "1 record, 1 valid, 0 invalid, 0 files unreadable\n"


def test_problems_come_in_sorted_file_order(tmp_path: Path) -> None:
    for name in ("b/2.md", "a.md", "b/1.md", "c.json"):
        path = tmp_path / name
        path.parent.mkdir(exist_ok=True)
        path.write_text("---\ntitle: ''\n---\n" if name.endswith(".md") else "[1]", "utf-8")
    result = run("validate", "-o", "json", str(tmp_path))
    document = json.loads(result.stdout)
    expected = [str(tmp_path / n) for n in ("a.md", "b/1.md", "b/2.md", "c.json")]
    assert document["checked"] == expected
    assert [p["path"] for p in document["problems"] if p["rule"] == "empty-text"] == expected[:3]


def test_no_records_in_an_empty_folder(tmp_path: Path) -> None:
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert problem_lines(result) == [f"{tmp_path}: error [no-records] no records found"]


def test_empty_json_array_is_no_records(tmp_path: Path) -> None:
    path = tmp_path / "none.json"
    path.write_text("[]", encoding="utf-8")
    result = run("validate", str(path))
    assert result.exit_code == 1
    assert problem_lines(result) == [f"{path}: error [no-records] no records found"]


# --- cross-record rules ---


def test_duplicate_url_names_both_files(tmp_path: Path) -> None:
    first = tmp_path / "a.md"
    first.write_text(front_matter(1), encoding="utf-8")
    second = tmp_path / "b.jsonl"
    second.write_text(
        json.dumps(article(2)) + "\n" + json.dumps(article(3, webUrl="https://e.com/1")) + "\n",
        encoding="utf-8",
    )
    result = run("validate", str(tmp_path))
    assert result.exit_code == 1
    assert problem_lines(result) == [
        f"{second}:2: error [duplicate-url] webUrl https://e.com/1 is also used by {first}:4; "
        "each article needs its own webUrl (at /webUrl)"
    ]
    assert summary(result) == "3 records, 2 valid, 1 invalid, 0 files unreadable"


def test_duplicate_url_within_one_json_file(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    path.write_text(
        "[\n" + json.dumps(article(1)) + ",\n" + json.dumps(article(1)) + "\n]", "utf-8"
    )
    result = run("validate", "-o", "json", str(path))
    problems = json.loads(result.stdout)["problems"]
    assert [(p["rule"], p["line"], p["pointer"]) for p in problems] == [
        ("duplicate-url", 3, "/webUrl")
    ]
    assert f"{path}:2" in problems[0]["message"]


# --- options and exit codes ---


def test_quiet_drops_the_summary(tmp_path: Path, seed_file: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text("---\ntitle: T\n---\n", encoding="utf-8")
    result = run("validate", "--quiet", str(path))
    assert result.exit_code == 1
    assert result.stdout.splitlines() == problem_lines(result)
    assert len(problem_lines(result)) == 2
    ok = run("validate", "-q", str(seed_file))
    assert (ok.exit_code, ok.stdout) == (0, "")


def test_verbose_names_each_good_file_on_stderr(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text(front_matter(1), encoding="utf-8")
    (tmp_path / "b.md").write_text("---\ntitle: T\n---\n", encoding="utf-8")
    result = run("validate", "--verbose", str(tmp_path))
    assert result.stderr == f"{tmp_path / 'a.md'}: ok\n"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["validate", "does/not/exist"], "does not exist"),
        (["validate", "-o", "xml", "seeds"], "'xml' is not one of"),
        (["validate", "--output-format", "yaml", "seeds"], "'yaml' is not one of"),
        (["validate", "--max-file-size", "ten", "seeds"], "is not a size"),
        (["validate", "--max-depth", "0", "seeds"], "--max-depth"),
        (["validate", "--no-such-option"], "No such option"),
        (["no-such-command"], "No such command"),
    ],
)
def test_usage_errors_exit_2(args: list[str], message: str, in_repo: None) -> None:
    result = run(*args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert result.stdout == ""


def test_version() -> None:
    result = run("--version")
    assert result.exit_code == 0
    assert result.stdout == f"feed-exporter, version {__version__}\n"


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))])
def test_help_on_every_command(command: list[str]) -> None:
    for flag in ("--help", "-h"):
        result = run(*command, flag)
        assert result.exit_code == 0, (command, result.output)
        assert result.stdout.startswith("Usage: ")
        assert "--help" in result.stdout


def test_validate_help_documents_the_options() -> None:
    text = run("validate", "--help").stdout
    for option in ("--output-format", "--max-file-size", "--max-depth", "--quiet", "--verbose"):
        assert option in text
    assert "text|json|github|junit" in text


def test_schema_command_prints_the_contract(repo_root: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    printed = json.loads(result.stdout)
    on_disk = json.loads(
        (repo_root / "schemas" / "article.schema.json").read_text(encoding="utf-8")
    )
    assert printed == on_disk


def test_duplicate_url_is_reported_beside_other_problems(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text(
        json.dumps(article(1)) + "\n" + json.dumps(article(1, quality=101)) + "\n", "utf-8"
    )
    result = run("validate", "-o", "json", str(path))
    assert result.exit_code == 1
    problems = json.loads(result.stdout)["problems"]
    assert [(p["rule"], p["line"], p["pointer"]) for p in problems] == [
        ("out-of-range", 2, "/quality"),
        ("duplicate-url", 2, "/webUrl"),
    ]


def test_a_rejected_url_is_not_also_called_a_duplicate(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    bad = article(1, webUrl="javascript:alert(1)")
    path.write_text(json.dumps(bad) + "\n" + json.dumps(bad) + "\n", "utf-8")
    result = run("validate", "-o", "json", str(path))
    problems = json.loads(result.stdout)["problems"]
    assert [(p["rule"], p["line"]) for p in problems] == [("url-scheme", 1), ("url-scheme", 2)]


def test_seed_named_twice_is_not_its_own_duplicate(in_repo: None) -> None:
    result = run("validate", "seeds", SEED_NAME, "./seeds/")
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 record, 1 valid, 0 invalid, 0 files unreadable\n"


# --- progress bar: on a terminal only (tests/unit/cli/test_progress_bar.py) ---


def test_no_progress_bar_in_a_pipe(tmp_path: Path) -> None:
    for n in range(60):
        (tmp_path / f"{n:02}.md").write_text(front_matter(n), encoding="utf-8")
    result = run("validate", str(tmp_path))
    assert result.exit_code == 0
    assert result.stderr == ""
    assert result.stdout == "60 records, 60 valid, 0 invalid, 0 files unreadable\n"


def test_pre_commit_hook_runs_validate_on_record_files(
    repo_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    [hook] = yaml.safe_load((repo_root / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["entry"] == "feed-exporter validate"
    assert hook["language"] == "python"
    pattern = re.compile(hook["files"])
    for name in ("a.md", "b.markdown", "c.txt", "d.json", "e.jsonl"):
        assert pattern.search(f"records/{name}"), name
        assert pattern.search(f"seeds/sub/{name}"), name
        assert pattern.search(f"content/posts/{name}"), name
    assert not pattern.search("records/f.yaml")
    assert hook["require_serial"] is True, "duplicate webUrls need every file in one process"
    # no file names: validate reads every record of [export] inputs (here seeds/)
    assert hook["pass_filenames"] is False
    monkeypatch.chdir(repo_root)
    result = run(*hook["entry"].split()[1:])
    assert result.exit_code == 0
