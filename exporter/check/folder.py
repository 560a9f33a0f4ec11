"""Checks that span the feeds of one folder: an archived feed (RFC 5005) or a
paged JSON Feed is several files, and a reader walks them by their links.

Given the archive facts of every feed found in a folder (`pages.Page`) and the
URL the folder is served from (`--base`), a link whose target falls inside
the folder must name a file that exists, following prev-archive must end, and
an entry must live in one archive page only. Without `--base`, relative links
are still followed, against each file's own location.

Each finding is reported on the file that holds the bad link or the repeated
id, at its line. Nothing is fetched: targets outside the folder are not judged.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from exporter.check.history import points_to_self
from exporter.check.pages import ARCHIVE_RELATIONS, Page, PageLink
from exporter.iri import resolve
from exporter.problems import Problem, Severity

# Files a folder walk picks up (`check`, and the published feeds export and diff
# read); a file named on the command line is read whatever its name.
FEED_SUFFIXES = frozenset({".xml", ".atom", ".rss", ".rdf", ".json", ".feed", ".jsonfeed", ".opml"})


@dataclass(frozen=True, slots=True)
class FolderFile:
    """A checked feed of the folder: the path it is reported under, the URL it is
    served from (None without `--base`) and its archive facts."""

    path: str
    url: str | None
    page: Page


@dataclass(frozen=True, slots=True)
class _Link:
    """A link of one file, with where it lands in the folder (None: outside)."""

    source: FolderFile
    link: PageLink
    name: str  # "prev-archive", ... or "next_url"
    target: str
    in_folder: str | None


def folder_problems(folder: str, base: str | None, files: list[FolderFile]) -> list[Problem]:
    """Findings across the feeds of `folder`, in the order the files were walked."""
    root = base if base is None or base.endswith("/") else base + "/"
    root_url = root or Path(folder).resolve().as_uri() + "/"
    names = {_relative(folder, file.path): file for file in files}
    links = [link for file in files for link in _links(file, root_url)]
    problems = _missing_targets(folder, links)
    problems += _cycles(files, links, names, folder)
    problems += _repeated_entry_ids(files, links, names, folder)
    return problems


def _relative(folder: str, path: str) -> str:
    return Path(path).relative_to(folder).as_posix()


def _links(file: FolderFile, root_url: str) -> list[_Link]:
    document_url = file.url or Path(file.path).resolve().as_uri()
    found = [
        (link, link.relation) for link in file.page.links if link.relation in ARCHIVE_RELATIONS
    ]
    if file.page.next_url is not None:
        found.append((file.page.next_url, "next_url"))
    result = []
    for link, name in found:
        target = resolve(document_url, link.target)
        result.append(_Link(file, link, name, target, _in_folder(target, root_url)))
    return result


def _in_folder(target: str, root_url: str) -> str | None:
    """The path inside the folder that `target` is served from, or None when it
    is outside the folder or names no single file (a query, a folder index)."""
    try:
        found, root = urlsplit(target), urlsplit(root_url)
    except ValueError:
        return None
    same_site = (found.scheme.lower(), found.netloc.lower()) == (
        root.scheme.lower(),
        root.netloc.lower(),
    )
    if not same_site or found.query or not found.path.startswith(root.path):
        return None
    relative = unquote(found.path[len(root.path) :])
    parts = PurePosixPath(relative).parts
    if not relative or relative.endswith("/") or any(p in ("..", ".", "/") for p in parts):
        return None
    return relative


def _problem(link: _Link, rule: str, message: str, warning: bool = False) -> Problem:
    severity = Severity.WARNING if warning else Severity.ERROR
    return Problem(link.source.path, rule, message, line=link.link.line, severity=severity)


def _missing_targets(folder: str, links: list[_Link]) -> list[Problem]:
    return [
        _problem(
            link,
            "archive-link-target-missing",
            f"The {link.name} link {link.target!r} falls inside the folder, but there is no "
            f"file {link.in_folder!r}: publish that page or fix the link.",
        )
        for link in links
        if link.in_folder is not None and not (Path(folder) / link.in_folder).is_file()
    ]


def _cycles(
    files: list[FolderFile], links: list[_Link], names: dict[str, FolderFile], folder: str
) -> list[Problem]:
    """Following prev-archive must end. Each node has at most one prev-archive
    edge (the first; more are archive-duplicate-link), so a walk from each file
    finds every loop; each loop is reported once, on the link that closes it when
    walked from its first file in walk order."""
    edges: dict[str, _Link] = {}
    for link in links:
        source = _relative(folder, link.source.path)
        if link.name == "prev-archive" and link.in_folder in names and source not in edges:
            edges[source] = link
    order = {_relative(folder, file.path): index for index, file in enumerate(files)}
    problems: list[Problem] = []
    reported: set[str] = set()
    for start in order:
        path, node = [], start
        while node in edges and node not in path:
            path.append(node)
            node = str(edges[node].in_folder)
        if node not in path or node in reported:
            continue
        loop = path[path.index(node) :]
        reported.update(loop)
        first = min(loop, key=order.__getitem__)
        at = loop.index(first)
        walk = loop[at:] + loop[:at]
        closing = edges[walk[-1]]
        if len(walk) == 1 and points_to_self(closing.source.page, closing.link):
            continue  # already archive-link-to-self in the document itself
        chain = " -> ".join([*walk, first])
        problems.append(
            _problem(
                closing,
                "archive-cycle",
                f"Following prev-archive loops ({chain}); readers walking the archive never "
                "reach its oldest page: the oldest page must have no prev-archive link.",
            )
        )
    return problems


def _repeated_entry_ids(
    files: list[FolderFile], links: list[_Link], names: dict[str, FolderFile], folder: str
) -> list[Problem]:
    """An entry belongs to one page of its archive (RFC 5005 archive pages do not
    change once published; a repeated id means an entry moved, or was copied).
    One folder can hold several archives holding the same entries: a feed's
    RSS, Atom and JSON Feed archives, or the archives of two feed sets."""
    archive_of = _archives(files, links, names, folder)
    seen: dict[tuple[str, str], str] = {}
    problems: list[Problem] = []
    for file in files:
        name = _relative(folder, file.path)
        archive = archive_of.get(name)
        if archive is None:
            continue
        here: set[str] = set()
        for entry in file.page.entry_ids:
            other = seen.get((archive, entry.value))
            if other is not None and entry.value not in here:
                problems.append(
                    Problem(
                        file.path,
                        "archive-duplicate-entry-id",
                        f"The entry id {entry.value!r} is also in the archive page {other}; "
                        "readers keep only one of them: keep each entry in one page.",
                        line=entry.line,
                        severity=Severity.WARNING,
                    )
                )
            here.add(entry.value)
        for value in here:
            seen.setdefault((archive, value), name)
    return problems


def _archives(
    files: list[FolderFile], links: list[_Link], names: dict[str, FolderFile], folder: str
) -> dict[str, str]:
    """Each archive page of the folder -> the archive it is a page of: for an
    RFC 5005 page, the document its `current` link names (else its family);
    for a JSON Feed page, the first feed of the `next_url` chain reaching it."""
    current: dict[str, str] = {}
    following: dict[str, str] = {}
    for link in links:
        if link.in_folder is None:
            continue
        source = _relative(folder, link.source.path)
        if link.name == "current":
            current.setdefault(source, link.in_folder)
        elif link.name == "next_url" and link.in_folder in names:
            following.setdefault(source, link.in_folder)
    archives: dict[str, str] = {}
    reached = set(following.values())
    for start in following:
        if start in reached:
            continue  # not the first feed of its chain
        at = following.get(start)
        while at is not None and at not in archives and at != start:
            archives[at] = start
            at = following.get(at)
    for file in files:
        name = _relative(folder, file.path)
        if file.page.is_archive:
            archives.setdefault(name, current.get(name, file.page.family))
    return archives
