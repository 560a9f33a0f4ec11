"""`feed-exporter export`'s id guard, end to end: an entry that is evidently the
same article under a new id stops the export before a single file is touched."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli.main import cli
from tests.support import FEED_TOML

ALPHA = """\
---
title: Alpha
webUrl: {url}
originalUrl: https://origin.example/alpha
publishedDateTime: 2024-01-02T10:00:00Z
---
Alpha body.
"""
BETA = """\
---
title: Beta
webUrl: {url}
publishedDateTime: {published}
---
"""
GAMMA = '{{"title": "Gamma", "webUrl": "{url}", "publishedDateTime": "2024-01-04T10:00:00Z"}}\n'
ARCHIVED = FEED_TOML.read_text(encoding="utf-8").replace(
    "[feed.author]", "archive = 2\n\n[feed.author]"
)


def export(tmp_path: Path, *args: str, config: Path = FEED_TOML) -> tuple[int, str]:
    result = CliRunner().invoke(
        cli,
        ["export", str(tmp_path / "records"), "--config", str(config),
         "--cache-dir", str(tmp_path / "cache"), *args],
    )  # fmt: skip
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


def write_records(tmp_path: Path, alpha: str = "https://example.org/alpha",
                  beta: str = "https://example.org/beta",
                  beta_published: str = "2024-01-03T10:00:00Z",
                  gamma: str | None = "https://example.org/gamma") -> Path:  # fmt: skip
    records = tmp_path / "records"
    records.mkdir(exist_ok=True)
    (records / "alpha.md").write_text(ALPHA.format(url=alpha), encoding="utf-8")
    (records / "beta.md").write_text(
        BETA.format(url=beta, published=beta_published), encoding="utf-8"
    )
    gamma_file = records / "gamma.jsonl"
    if gamma is None:
        gamma_file.unlink(missing_ok=True)
    else:
        gamma_file.write_text(GAMMA.format(url=gamma), encoding="utf-8")
    return records


def snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    """Every file below `folder` (the lock file too): its bytes and mtime."""
    return {
        path.relative_to(folder).as_posix(): (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def published(tmp_path: Path, out: str = "out") -> dict[str, tuple[bytes, int]]:
    """Export the first version of the records into `out`: the published state."""
    write_records(tmp_path)
    code, stderr = export(tmp_path, "--out", str(tmp_path / out))
    assert code == 0, stderr
    assert "[id-changed]" not in stderr and "[entry-removed]" not in stderr
    return snapshot(tmp_path / out)


def lines_with(stderr: str, rule: str) -> list[str]:
    return [line for line in stderr.splitlines() if f"[{rule}]" in line]


@pytest.mark.parametrize("out", ["empty", "missing"])
def test_a_first_export_has_nothing_to_compare_with_and_passes(tmp_path: Path, out: str) -> None:
    if out == "empty":
        (tmp_path / out).mkdir()
    write_records(tmp_path)
    code, stderr = export(tmp_path, "--out", str(tmp_path / out))
    assert code == 0, stderr
    assert "warning" not in stderr and "error" not in stderr
    assert sorted(snapshot(tmp_path / out)) == ["atom.xml", "feed.json", "rss.xml"]


def test_same_original_url_under_a_new_web_url_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    before = published(tmp_path)
    write_records(tmp_path, alpha="https://example.org/2024/alpha")
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 1, stderr
    (line,) = lines_with(stderr, "id-changed")
    records = tmp_path / "records"
    assert line.startswith(f"{records / 'alpha.md'}:3: error [id-changed] ")
    assert "from https://example.org/alpha to https://example.org/2024/alpha" in line
    assert "the same originalUrl" in line
    assert "nothing written" in stderr and "--allow-id-change" in stderr
    assert snapshot(tmp_path / "out") == before


def test_same_title_and_time_under_a_new_web_url_is_refused_and_nothing_is_written(
    tmp_path: Path,
) -> None:
    before = published(tmp_path)
    write_records(tmp_path, beta="https://example.org/2024/beta")
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 1, stderr
    (line,) = lines_with(stderr, "id-changed")
    assert line.startswith(f"{tmp_path / 'records' / 'beta.md'}:3: error [id-changed] ")
    assert "from https://example.org/beta to https://example.org/2024/beta" in line
    assert "the same title and published time" in line
    assert snapshot(tmp_path / "out") == before


def test_a_json_lines_record_is_named_with_its_line(tmp_path: Path) -> None:
    before = published(tmp_path)
    write_records(tmp_path, gamma="https://example.org/2024/gamma")
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 1, stderr
    (line,) = lines_with(stderr, "id-changed")
    assert line.startswith(f"{tmp_path / 'records' / 'gamma.jsonl'}:1: error [id-changed] ")
    assert snapshot(tmp_path / "out") == before


def test_allow_id_change_publishes_the_new_id_with_a_warning(tmp_path: Path) -> None:
    published(tmp_path)
    write_records(tmp_path, alpha="https://example.org/2024/alpha")
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), "--allow-id-change")
    assert code == 0, stderr
    (line,) = lines_with(stderr, "id-changed")
    assert "warning [id-changed]" in line and "accepted with --allow-id-change" in line
    for name in ("atom.xml", "rss.xml", "feed.json"):
        data = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "https://example.org/2024/alpha" in data
        assert ">https://example.org/alpha<" not in data
        assert '"https://example.org/alpha"' not in data
    # the new id is now the published one: the next export passes quietly
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 0 and "[id-changed]" not in stderr, stderr


@pytest.mark.parametrize("name", ["atom.xml", "rss.xml", "feed.json"])
def test_previous_with_a_file_is_the_published_state(tmp_path: Path, name: str) -> None:
    published(tmp_path, out="live")
    out = tmp_path / "out"
    out.mkdir()
    write_records(tmp_path, beta="https://example.org/2024/beta")
    code, stderr = export(tmp_path, "--out", str(out), "--previous", str(tmp_path / "live" / name))
    assert code == 1, stderr
    (line,) = lines_with(stderr, "id-changed")
    assert f"published in {tmp_path / 'live' / name})" in line
    assert snapshot(out) == {}


def test_previous_with_a_folder_replaces_the_feeds_in_out(tmp_path: Path) -> None:
    live = published(tmp_path, out="live")
    before = published(tmp_path, out="out")
    write_records(tmp_path, alpha="https://example.org/2024/alpha")
    # --out alone would refuse; against --previous the same change is refused too
    code, stderr = export(
        tmp_path, "--out", str(tmp_path / "out"), "--previous", str(tmp_path / "live")
    )
    assert code == 1, stderr
    (line,) = lines_with(stderr, "id-changed")
    assert f"published in {tmp_path / 'live' / 'atom.xml'} and 2 other feeds" in line
    assert snapshot(tmp_path / "out") == before
    assert snapshot(tmp_path / "live") == live
    # --previous of a state that already has the new id: --out's older feeds do not count
    code, stderr = export(tmp_path, "--out", str(tmp_path / "live"), "--allow-id-change")
    assert code == 0, stderr
    code, stderr = export(
        tmp_path, "--out", str(tmp_path / "out"), "--previous", str(tmp_path / "live")
    )
    assert code == 0 and "[id-changed]" not in stderr, stderr


def test_a_removed_entry_that_would_still_fit_is_a_warning(tmp_path: Path) -> None:
    published(tmp_path)
    write_records(tmp_path, gamma=None)
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 0, stderr
    (line,) = lines_with(stderr, "entry-removed")
    assert line.startswith(f"{tmp_path / 'out' / 'atom.xml'}:")
    assert "warning [entry-removed] https://example.org/gamma is no longer in this feed" in line
    assert "(and 2 other feeds)" in line


def test_an_entry_pushed_out_by_the_limit_is_not_removed(tmp_path: Path) -> None:
    write_records(tmp_path)
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), "--limit", "3")
    assert code == 0, stderr
    newer = GAMMA.format(url="https://example.org/delta").replace("Gamma", "Delta")
    (tmp_path / "records" / "delta.jsonl").write_text(newer.replace("04T", "05T"))
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), "--limit", "3")
    assert code == 0, stderr
    assert "https://example.org/delta" in (tmp_path / "out" / "atom.xml").read_text()
    assert lines_with(stderr, "entry-removed") == []
    # a deletion under the limit is one: the oldest would still fit
    (tmp_path / "records" / "delta.jsonl").unlink()
    (tmp_path / "records" / "gamma.jsonl").unlink()
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), "--limit", "3")
    assert code == 0, stderr
    assert len(lines_with(stderr, "entry-removed")) == 2


def test_an_entry_moved_into_an_archive_page_is_still_published(tmp_path: Path) -> None:
    config = tmp_path / "feed.toml"
    config.write_text(ARCHIVED, encoding="utf-8")
    write_records(tmp_path)
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), config=config)
    assert code == 0, stderr
    newer = GAMMA.format(url="https://example.org/delta").replace("Gamma", "Delta")
    (tmp_path / "records" / "delta.jsonl").write_text(newer.replace("04T", "05T"))
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), config=config)
    assert code == 0, stderr
    assert (tmp_path / "out" / "archive" / "2" / "atom.xml").is_file()
    assert lines_with(stderr, "entry-removed") == []
    # an id change on an archive page is caught too
    before = snapshot(tmp_path / "out")
    write_records(tmp_path, alpha="https://example.org/2024/alpha")
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"), config=config)
    assert code == 1, stderr
    assert "archive/1/atom.xml" in lines_with(stderr, "id-changed")[0]
    assert snapshot(tmp_path / "out") == before


def test_a_published_time_that_moves_is_a_warning(tmp_path: Path) -> None:
    published(tmp_path)
    write_records(tmp_path, beta_published="2024-01-03T12:00:00+02:00")  # same instant
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 0 and lines_with(stderr, "date-changed") == [], stderr
    write_records(tmp_path, beta_published="2024-01-03T11:00:00Z")
    code, stderr = export(tmp_path, "--out", str(tmp_path / "out"))
    assert code == 0, stderr
    (line,) = lines_with(stderr, "date-changed")
    assert line.startswith(f"{tmp_path / 'records' / 'beta.md'}:4: warning [date-changed] ")
    assert "2024-01-03T10:00:00+00:00" in line and "2024-01-03T11:00:00+00:00" in line


def test_a_published_feed_that_cannot_be_read_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "atom.xml").write_text(
        '<!DOCTYPE feed [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>&x;</id></entry></feed>'
    )
    (out / "rss.xml").write_text("<rss><channel><item><title>unclosed</channel></rss>")
    (out / "feed.json").write_bytes(b"[" * 100_000)
    write_records(tmp_path)
    code, stderr = export(tmp_path, "--out", str(out))
    assert code == 0, stderr
    assert len(lines_with(stderr, "published-unreadable")) >= 2
    assert "root:" not in stderr
