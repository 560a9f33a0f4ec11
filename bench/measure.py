"""Run one command in a fresh process and measure it: wall time, CPU time, peak memory.

Peak memory comes from `os.wait4` on that very child (its own rusage, which
the kernel folds together with its reaped workers as a maximum, not a sum),
never from RUSAGE_CHILDREN, which would mix in every earlier run. With worker
processes the memory that matters is the sum over the process tree at one
moment, so on Linux that sum is also sampled from /proc while the child runs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

SAMPLE_INTERVAL = 0.05  # seconds between /proc samples of the process tree
TAIL = 4000  # characters of stdout/stderr kept for reports


@dataclass(frozen=True, slots=True)
class Measurement:
    argv: list[str]
    exit_code: int
    wall_seconds: float
    cpu_seconds: float  # user + system, the child and its reaped workers
    max_rss_kib: int  # largest single process (wait4 ru_maxrss)
    tree_peak_kib: int | None  # sampled peak of the summed RSS of the tree; None off Linux
    stdout: str
    stderr: str
    timed_out: bool = False


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/children", encoding="ascii") as handle:
                found += [int(child) for child in handle.read().split()]
        except OSError:
            continue
    return found


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def tree_rss_kib(pid: int) -> int:
    """Resident memory of `pid` and all its descendants right now, in KiB."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        total += _rss_kib(current)
        pending += _children(current)
    return total


class _TreeSampler(threading.Thread):
    """Polls the summed RSS of a process tree until stopped; keeps the peak."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_kib(self.pid))
            self._stop_event.wait(SAMPLE_INTERVAL)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def _tail(path: Path) -> str:
    text = path.read_text(encoding="utf-8", errors="replace")
    return text[-TAIL:]


def run_measured(
    argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float | None = None
) -> Measurement:
    """Run `argv` to completion (or kill its whole session after `timeout` seconds)."""
    sampling = os.path.isdir("/proc/self/task")
    with tempfile.TemporaryDirectory(prefix="measure-") as scratch:
        out_path, err_path = Path(scratch, "stdout"), Path(scratch, "stderr")
        with out_path.open("wb") as out, err_path.open("wb") as err:
            start = time.perf_counter()
            process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                start_new_session=True,  # one group to kill on timeout, workers included
            )
            sampler = _TreeSampler(process.pid) if sampling else None
            if sampler is not None:
                sampler.start()
            killed = threading.Event()

            def kill() -> None:
                killed.set()
                with contextlib.suppress(OSError):
                    os.killpg(process.pid, signal.SIGKILL)

            timer = threading.Timer(timeout, kill) if timeout else None
            if timer is not None:
                timer.start()
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            if timer is not None:
                timer.cancel()
            peak = sampler.stop() if sampler is not None else None
            process.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4 above
        return Measurement(
            argv=list(argv),
            exit_code=process.returncode,
            wall_seconds=wall,
            cpu_seconds=usage.ru_utime + usage.ru_stime,
            max_rss_kib=int(usage.ru_maxrss),  # KiB on Linux
            tree_peak_kib=peak,
            stdout=_tail(out_path),
            stderr=_tail(err_path),
            timed_out=killed.is_set(),
        )
