"""Another revision of this repository's code, to time beside the current one.

`git archive REV` unpacked into the work folder: read-only for the repository
(no worktree registered, nothing to prune), and nothing is installed. Its runs
put that tree first on PYTHONPATH; `verify` checks in a probe run that every
`exporter` module then really comes from it, not from an installed or
editable copy of the current checkout.
"""

from __future__ import annotations

import io
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path

from bench.corpus import write_corpus
from bench.tool import Tool


@dataclass(frozen=True, slots=True)
class Reference:
    revision: str  # as given, e.g. main~3
    commit: str  # full hash
    tree: Path  # the unpacked revision
    root: Path  # the folder to put on PYTHONPATH (tree, or tree/src)

    def describe(self) -> dict[str, str]:
        return {
            "revision": self.revision,
            "commit": self.commit,
            "tree": str(self.tree),
            "pythonpath": str(self.root),
        }


def resolve(repository: Path, revision: str) -> str:
    completed = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"],
        cwd=repository,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0 or not completed.stdout.strip():
        raise SystemExit(f"--reference {revision}: not a commit of this repository")
    return completed.stdout.strip()


def unpack(repository: Path, revision: str, target: Path) -> Reference:
    """The files of `revision` in the new folder `target`."""
    commit = resolve(repository, revision)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit],
        cwd=repository,
        capture_output=True,
        check=True,
    ).stdout
    target.mkdir(parents=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(target, filter="data")
    root = target / "src" if (target / "src" / "exporter").is_dir() else target
    if not (root / "exporter" / "__init__.py").is_file():
        raise SystemExit(f"--reference {revision}: no exporter package in that revision")
    return Reference(revision=revision, commit=commit, tree=target, root=root)


def verify(tool: Tool, root: Path, place: Path) -> list[str]:
    """The files `exporter` is imported from in `tool`'s runs (a probe export of
    three generated records into `place`); exits unless all are under `root`."""
    records = place / "records"
    write_corpus(records, 3, seed=1)
    files = tool.imported_from(place, records)
    outside = [name for name in files if not Path(name).resolve().is_relative_to(root.resolve())]
    if not files or outside:
        raise SystemExit(
            f"runs meant to use the code in {root} import exporter from elsewhere: "
            + ", ".join(outside[:3] or ["(no exporter module loaded)"])
        )
    return files
