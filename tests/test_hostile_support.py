"""Run the CLI in a child process with a time limit, and measure its peak memory.
No tests here.

The peak comes from a small launcher process that starts the CLI and reads
RUSAGE_CHILDREN: a process forked straight from pytest would be charged with
pytest's own resident set (Linux keeps the pre-exec high-water mark).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
_LAUNCHER = (
    "import os, resource, subprocess, sys\n"
    "code = subprocess.call(sys.argv[1:])\n"
    "os.write(int(os.environ['PEAK_FD']),"
    " str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss).encode())\n"
    "sys.exit(code)\n"
)


@dataclass(frozen=True)
class Bounded:
    code: int
    stdout: str
    stderr: str
    seconds: float
    peak_mib: float

    @property
    def output(self) -> str:
        """Both streams: validate reports on stdout, export on stderr."""
        return self.stdout + self.stderr


def run_bounded(
    *args: str, timeout: float = 30, stdin: Path | None = None, cwd: Path = REPO
) -> Bounded:
    """`feed-exporter ARGS` in a fresh process; killed (and the test failed) if it
    takes longer than `timeout` seconds."""
    peak_read, peak_write = os.pipe()
    with (
        tempfile.TemporaryDirectory() as cache,  # export's cache: one per run, not the repo's
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        open(stdin or os.devnull, "rb") as feed,
    ):
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, sys.executable, "-m", "exporter", *args],
            cwd=cwd, stdin=feed, stdout=out, stderr=err, start_new_session=True,
            pass_fds=(peak_write,),
            env={**os.environ, "PEAK_FD": str(peak_write), "FEED_EXPORTER_CACHE_DIR": cache},
        )  # fmt: skip
        os.close(peak_write)
        while True:
            pid, status = os.waitpid(process.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() - started > timeout:
                os.killpg(process.pid, signal.SIGKILL)
                os.waitpid(process.pid, 0)
                os.close(peak_read)
                raise AssertionError(f"feed-exporter {' '.join(args)} ran over {timeout} s")
            time.sleep(0.01)
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        with os.fdopen(peak_read) as peak:
            peak_kib = int(peak.read() or 0)
        out.seek(0)
        err.seek(0)
        return Bounded(
            code=process.returncode,
            stdout=out.read().decode("utf-8", "replace"),
            stderr=err.read().decode("utf-8", "replace"),
            seconds=seconds,
            peak_mib=peak_kib / 1024,  # Linux reports KiB
        )
