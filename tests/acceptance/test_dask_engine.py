"""`export --engine dask`: on a real LocalCluster of two worker processes, and on
a scheduler and two workers started as separate processes on 127.0.0.1, the
feeds are byte-identical to the local engine's, for every selection mode, with
sets and archives; the report is the same; a killed worker changes nothing; an
unreachable scheduler is one line and exit 1, with the previous feeds kept."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import frontmatter
import pytest
from click.testing import CliRunner
from distributed import Client, LocalCluster

from bench.corpus import generate
from exporter.cli.main import cli
from exporter.export import cluster
from tests.support import REPO

BASE = "https://example.org/feeds/"
CONFIG = f"""\
[feed]
title = "Sets"
description = "A feed per topic, provider and category."
site_url = "https://example.org/"
base_url = "{BASE}"
archive = 20

[feed.author]
name = "Site"

[sets.topics]
by = "topics"
path = "topics/{{slug}}/"
limit = 8
archive = 10

[sets.providers]
by = "provider"
path = "providers/{{slug}}/"

[sets.categories]
by = "category"
path = "section/{{slug}}/"
limit = 3
"""
# Generous: a busy machine starts worker processes slowly.
STARTUP = 120


def run(*args: str) -> tuple[int, str]:
    """Exit code and everything printed (stdout and stderr)."""
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def files(out: Path) -> dict[str, bytes]:
    return {
        path.relative_to(out).as_posix(): path.read_bytes()
        for path in sorted(out.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """120 records (some broken, some sharing a webUrl), and a JSON Lines file
    whose records reuse the webUrl of the first Markdown record and of each other."""
    root = tmp_path_factory.mktemp("dask-site")
    records = root / "records"
    records.mkdir()
    for name, text in generate(120, seed=5, invalid=0.15):
        (records / name).write_text(text, encoding="utf-8")
    first = frontmatter.load(str(records / "0000000.md"))
    lines = []
    for index in range(3):
        data = dict(first.metadata)
        data["title"] = f"Copy {index}"
        if index == 2:
            data["webUrl"] = "https://example.org/only-in-jsonl"
        lines.append(json.dumps(data, default=str))
    lines.append(json.dumps({**data, "title": "Copy 3"}, default=str))
    (records / "zz-copies.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "feed.toml").write_text(CONFIG, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """A LocalCluster of two worker processes, shared by the tests of this module."""
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield str(local.scheduler_address)


@pytest.fixture
def small_partitions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Seven files per partition: duplicates and sets span many partitions."""
    monkeypatch.setattr(cluster, "PARTITION_FILES", 7)


def export(site: Path, out: Path, *args: str) -> tuple[int, str]:
    return run(
        "export", str(site / "records"), "--out", str(out), "--config", str(site / "feed.toml"),
        "--no-cache", *args,
    )  # fmt: skip


SELECTIONS = {
    "all": (),
    "limit": ("--limit", "5"),
    "limit-0": ("--limit", "0"),
    "since": ("--since", "2021-06-01"),
    "published-only": ("--published-only",),
    "one-set": ("--set", "categories"),
    "one-format": ("--format", "atom", "--limit", "40"),
}


@pytest.mark.parametrize("selection", list(SELECTIONS))
def test_the_cluster_writes_the_local_engines_bytes(
    site: Path, tmp_path: Path, scheduler: str, small_partitions: None, selection: str
) -> None:
    options = SELECTIONS[selection]
    code, local_report = export(site, tmp_path / "local", "--jobs", "2", *options)
    assert code == 0, local_report
    code, dask_report = export(site, tmp_path / "dask", "--scheduler", scheduler, *options)
    assert code == 0, dask_report
    local, distributed = files(tmp_path / "local"), files(tmp_path / "dask")
    assert sorted(distributed) == sorted(local)
    assert distributed == local
    # the same records rejected, with the same files, lines and messages
    assert dask_report == local_report
    assert "duplicate-url" in local_report and "zz-copies.jsonl:" in local_report
    if selection == "all":
        assert any(name.startswith("section/") for name in local)
        assert any("/archive/" in name for name in local)


def test_standard_output_gets_the_same_feed(site: Path, tmp_path: Path, scheduler: str) -> None:
    options = ("--format", "rss", "--output", "-", "--limit", "30")
    code, local = export(site, tmp_path / "local", *options)
    assert code == 0, local
    code, distributed = export(site, tmp_path / "dask", "--scheduler", scheduler, *options)
    assert code == 0, distributed
    assert "<rss" in local and local.count("<item>") == 30
    assert distributed == local


def test_an_own_local_cluster_of_jobs_workers(site: Path, tmp_path: Path) -> None:
    """Without --scheduler the engine starts (and stops) a LocalCluster of --jobs workers."""
    code, local_report = export(site, tmp_path / "local")
    assert code == 0, local_report
    code, dask_report = export(site, tmp_path / "dask", "--engine", "dask", "--jobs", "2")
    assert code == 0, dask_report
    assert files(tmp_path / "dask") == files(tmp_path / "local")
    assert dask_report == local_report


def test_feed_toml_chooses_the_engine(site: Path, tmp_path: Path, scheduler: str) -> None:
    config = tmp_path / "feed.toml"
    config.write_text(
        CONFIG + f'\n[export]\nengine = "dask"\nscheduler = "{scheduler}"\n', encoding="utf-8"
    )
    code, output = run("export", str(site / "records"), "--out", str(tmp_path / "out"),
                       "--config", str(config), "--no-cache", "--format", "json")  # fmt: skip
    assert code == 0, output
    code, _ = export(site, tmp_path / "local", "--format", "json")
    assert files(tmp_path / "out") == files(tmp_path / "local")
    # --engine local overrides the file, and then the file's scheduler is not used
    code, output = run("export", str(site / "records"), "--out", str(tmp_path / "again"),
                       "--config", str(config), "--no-cache", "--engine", "local",
                       "--format", "json")  # fmt: skip
    assert code == 0, output
    assert files(tmp_path / "again") == files(tmp_path / "local")


def test_a_cluster_export_keeps_the_cache_of_the_feeds(
    site: Path, tmp_path: Path, scheduler: str
) -> None:
    """The client's cache remembers what was written: the next export, on either
    engine, finds the feeds current and leaves them alone."""
    cache = tmp_path / "cache"
    out = tmp_path / "out"
    common = ("export", str(site / "records"), "--out", str(out), "--config",
              str(site / "feed.toml"), "--cache-dir", str(cache), "--verbose")  # fmt: skip
    code, output = run(*common, "--scheduler", scheduler)
    assert code == 0, output
    before = {name: (out / name).stat().st_mtime_ns for name in files(out)}
    code, output = run(*common)
    assert code == 0, output
    assert "the feeds on disk are current" in output
    code, output = run(*common, "--scheduler", scheduler)
    assert code == 0, output
    assert "the feeds on disk are current" in output
    assert {name: (out / name).stat().st_mtime_ns for name in files(out)} == before


def test_fragments_the_cache_holds_are_not_packed_again(
    site: Path, tmp_path: Path, scheduler: str
) -> None:
    """The workers keep no cache, so they make every fragment again; what the
    client's cache holds already is not appended to its pack a second time."""
    cache = tmp_path / "cache"
    common = ("export", str(site / "records"), "--config", str(site / "feed.toml"),
              "--cache-dir", str(cache), "--scheduler", scheduler)  # fmt: skip
    code, output = run(*common, "--out", str(tmp_path / "one"))
    assert code == 0, output
    packed = {p.name: p.stat().st_size for p in cache.rglob("*") if p.is_file()}
    assert sum(packed.values()) > 0
    code, output = run(*common, "--out", str(tmp_path / "two"))
    assert code == 0, output
    assert files(tmp_path / "two") == files(tmp_path / "one")
    grown = {p.name: p.stat().st_size for p in cache.rglob("*") if p.suffix == ".pack"}
    assert grown and all(grown[name] == packed[name] for name in grown)


def test_usage_errors(site: Path, tmp_path: Path, scheduler: str) -> None:
    code, output = export(site, tmp_path / "a", "--engine", "local", "--scheduler", scheduler)
    assert code == 2
    assert "--scheduler is for --engine dask" in output
    code, output = run("export", "-", "--out", str(tmp_path / "b"), "--config",
                       str(site / "feed.toml"), "--scheduler", scheduler)  # fmt: skip
    assert code == 2
    assert "not standard input" in output
    config = tmp_path / "feed.toml"
    config.write_text(CONFIG + '\n[export]\nengine = "spark"\n', encoding="utf-8")
    code, output = run("export", str(site / "records"), "--config", str(config))
    assert code == 2
    assert "export.engine must be one of local, dask" in output
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_an_unreachable_scheduler_keeps_the_previous_feeds(site: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = export(site, out, "--format", "rss")
    assert code == 0, output
    before = {name: ((out / name).read_bytes(), (out / name).stat().st_mtime_ns)
              for name in files(out)}  # fmt: skip
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    code, output = export(site, out, "--format", "rss", "--limit", "3", "--scheduler", address)
    assert code == 1
    assert len(output.strip().splitlines()) == 1, output
    assert f"nothing written: cannot reach the Dask scheduler at {address}" in output
    after = {name: ((out / name).read_bytes(), (out / name).stat().st_mtime_ns)
             for name in files(out)}  # fmt: skip
    assert after == before


def test_a_local_export_never_imports_dask(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "exporter", "export", "--out",
         str(tmp_path / "out"), "--no-cache", "-q"],
        cwd=REPO, capture_output=True, text=True, timeout=STARTUP, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    imported = [line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()]
    assert "exporter.export.pipeline" in imported  # importtime did list the modules
    assert not [name for name in imported if name.split(".")[0] in ("dask", "distributed")]


# -- a scheduler and two workers as separate processes ---------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def processes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dask scheduler` and two `dask worker` processes on 127.0.0.1."""
    logs = tmp_path_factory.mktemp("dask-logs")
    address = f"tcp://127.0.0.1:{_free_port()}"
    dask = str(Path(sys.executable).with_name("dask"))
    started: list[subprocess.Popen[bytes]] = []

    def start(*args: str, log: str) -> None:
        with open(logs / log, "wb") as sink:
            process = subprocess.Popen(
                [dask, *args], stdout=sink, stderr=subprocess.STDOUT, cwd=REPO,
                start_new_session=True,
            )  # fmt: skip
        started.append(process)

    port = address.rsplit(":", 1)[1]
    start("scheduler", "--host", "127.0.0.1", "--port", port, "--no-dashboard", log="s.log")
    for index in range(2):
        start("worker", address, "--nthreads", "1", "--no-dashboard", "--host", "127.0.0.1",
              log=f"w{index}.log")  # fmt: skip
    try:
        with Client(address, timeout=STARTUP) as client:
            client.wait_for_workers(2, timeout=STARTUP)
        yield address
    finally:
        for process in started:
            os.killpg(process.pid, signal.SIGTERM)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def test_a_scheduler_and_workers_in_their_own_processes(
    site: Path, tmp_path: Path, processes: str, small_partitions: None
) -> None:
    code, local_report = export(site, tmp_path / "local")
    assert code == 0, local_report
    code, dask_report = export(site, tmp_path / "dask", "--scheduler", processes)
    assert code == 0, dask_report
    assert files(tmp_path / "dask") == files(tmp_path / "local")
    assert dask_report == local_report


def test_inputs_the_workers_cannot_read_are_one_line(
    site: Path, tmp_path: Path, processes: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workers run in the repository; `records/...` relative to another
    folder names nothing there."""
    (tmp_path / "records").symlink_to(site / "records")
    monkeypatch.chdir(tmp_path)
    code, output = run("export", "records", "--out", "out", "--config", str(site / "feed.toml"),
                       "--no-cache", "--scheduler", processes)  # fmt: skip
    assert code == 2, output
    assert len(output.strip().splitlines()) == 1, output
    assert "cannot read records/0000000.md" in output
    assert "(nor can 1 more)" in output
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_a_worker_killed_mid_run_changes_nothing(
    tmp_path: Path, site: Path, processes: str
) -> None:
    """SIGKILL to a worker while it runs a task: Dask runs the task again (the
    worker's nanny starts a new worker), and the feeds are the same bytes."""
    records = tmp_path / "records"
    records.mkdir()
    for name, text in generate(1500, seed=8, invalid=0.05):
        (records / name).write_text(text, encoding="utf-8")
    config = str(site / "feed.toml")
    code, _ = run("export", str(records), "--out", str(tmp_path / "local"), "--config", config,
                  "--no-cache", "-q")  # fmt: skip
    assert code == 0
    with Client(processes, timeout=STARTUP) as watcher:
        pids: dict[str, int] = watcher.run(os.getpid)
        exporting = subprocess.Popen(
            [sys.executable, "-m", "exporter", "export", str(records), "--out",
             str(tmp_path / "dask"), "--config", config, "--no-cache", "-q",
             "--scheduler", processes],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        victim = None
        deadline = time.monotonic() + STARTUP
        while victim is None and time.monotonic() < deadline:
            busy = [worker for worker, tasks in watcher.processing().items() if tasks]
            victim = busy[0] if busy else None
            time.sleep(0.005)
        assert victim is not None, "no task ever ran"
        os.kill(pids[victim], signal.SIGKILL)
        _, err = exporting.communicate(timeout=STARTUP * 3)
        assert exporting.returncode == 0, err.decode()
        watcher.wait_for_workers(2, timeout=STARTUP)  # the nanny brought it back
    assert files(tmp_path / "dask") == files(tmp_path / "local")


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        for task in os.listdir(f"/proc/{current}/task"):
            try:
                with open(f"/proc/{current}/task/{task}/children", encoding="ascii") as handle:
                    children = [int(child) for child in handle.read().split()]
            except OSError:
                continue
            found += children
            pending += children
    return found


def _workers(pid: int) -> list[int]:
    def command(child: int) -> bytes:
        try:
            with open(f"/proc/{child}/cmdline", "rb") as handle:
                return handle.read()
        except OSError:
            return b""

    return [child for child in _descendants(pid) if b"spawn_main" in command(child)]


@pytest.mark.slow
def test_ctrl_c_stops_the_client_and_its_local_cluster_in_one_line(
    tmp_path: Path, site: Path
) -> None:
    """Ctrl-C reaches the whole process group (the terminal's): the cluster's
    processes ignore it, the export exits 130 with one line, leaves the previous
    feeds alone and no process behind. (The assertion on the worker processes
    fails without `cluster._sigint_ignored`: they print KeyboardInterrupt
    tracebacks.)"""
    records = tmp_path / "records"
    records.mkdir()
    for name, text in generate(3000, seed=9):
        (records / name).write_text(text, encoding="utf-8")
    out = tmp_path / "out"
    config = str(site / "feed.toml")
    code, output = export(site, out, "--format", "atom", "--limit", "5")
    assert code == 0, output
    before = {name: (out / name).read_bytes() for name in files(out)}
    exporting = subprocess.Popen(
        [sys.executable, "-m", "exporter", "export", str(records), "--out", str(out),
         "--config", config, "--no-cache", "--engine", "dask", "--jobs", "2"],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    deadline = time.monotonic() + STARTUP
    # the cluster is up once the nannies (in the export's process) have started
    # their two worker processes
    while len(_workers(exporting.pid)) < 2 and time.monotonic() < deadline:
        assert exporting.poll() is None, (
            _descendants(exporting.pid),
            exporting.communicate()[1][-300:],
        )
        time.sleep(0.05)
    family = _descendants(exporting.pid)
    assert len(_workers(exporting.pid)) == 2, "the local cluster never started"
    # Ctrl-C while the cluster starts is ignored: pressed again, as a user would,
    # until the export says it was interrupted
    said: list[bytes] = []
    assert exporting.stderr is not None
    listener = threading.Thread(target=lambda: said.extend(iter(exporting.stderr.readline, b"")))
    listener.start()
    while not said and exporting.poll() is None and time.monotonic() < deadline:
        os.killpg(exporting.pid, signal.SIGINT)
        try:
            exporting.wait(timeout=1)
        except subprocess.TimeoutExpired:
            continue
    exporting.wait(timeout=STARTUP)
    listener.join(timeout=STARTUP)
    exporting.stderr.close()  # else a ResourceWarning when some later test collects it
    err = b"".join(said)
    assert exporting.returncode == 130, err.decode()
    assert err.decode().strip().splitlines() == [
        "feed-exporter export: interrupted: nothing written, the previous feeds are untouched"
    ]
    assert {name: (out / name).read_bytes() for name in files(out)} == before
    deadline = time.monotonic() + STARTUP
    while any(os.path.exists(f"/proc/{pid}") for pid in family) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not [pid for pid in family if os.path.exists(f"/proc/{pid}")]
