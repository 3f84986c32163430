"""Fetch the locked variant files before PDM changes the environment; one clear line on failure.

PDM installs packages in worker threads and reports a failed download as a traceback after the
other packages were already installed. For the packages the plugin manages, the synchronizer
fetches (and hash-checks) every file it is about to install first: a file that changed on the
index, a file the index no longer has, or an index that cannot be reached stops the command
with one line naming the file or URL, before anything is installed or removed.

The files are fetched in worker threads, as PDM fetches them when it installs (``install.parallel``,
on by default): a team lock of many GPU packages would otherwise wait for each one in turn. The
first failure cancels the fetches not started yet; then, as PDM does with its failed jobs, what is
left is fetched in turn, so a passing network error is retried once and the line reported is the
first failure in the lock's order.

The message builders are pure; :func:`fetch_locked_files` is the thin edge that talks to PDM.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm.models.candidates import Candidate

__all__ = [
    "changed_file_message",
    "download_failed_message",
    "fetch_locked_files",
    "missing_file_message",
    "unreachable_message",
]

_NOTHING = "nothing was installed or removed"
_HTTP_STATUS = re.compile(r"'(\d{3} [^']*)'")


def _what(name: str, version: str | None, label: str | None, lock_name: str) -> str:
    variant = f", variant {label!r}" if label else ""
    return f"{name} {version or ''}".rstrip() + f"{variant} in {lock_name}"


def changed_file_message(filename: str, url: str, locked: Sequence[str], actual: str | None, what: str) -> str:
    """A locked file whose bytes (or listed hash) no longer match the lock."""
    found = f", the index now has {actual}" if actual else ""
    return (
        f"wheel-variants: {filename} at {url} does not match the locked hash ({what}: "
        f"{', '.join(locked)}{found}); the file changed on the index since the lock, {_NOTHING}. "
        "If the change is expected, run `pdm lock --refresh`"
    )


def missing_file_message(filenames: Sequence[str], urls: Sequence[str], what: str, detail: str = "") -> str:
    """Locked files the index no longer serves."""
    where = ", ".join(urls) or "the package's index"
    extra = f" ({detail})" if detail else ""
    return (
        f"wheel-variants: {where} no longer has {', '.join(filenames) or 'the locked files'} ({what}){extra}; "
        f"{_NOTHING}. Run `pdm lock` to lock what the index has now"
    )


def download_failed_message(url: str, what: str, error: object) -> str:
    """A locked file URL that answered with an error (``404 Not Found``: removed from the index)."""
    text = _one_line(error)
    status = _HTTP_STATUS.search(text)
    reason = status.group(1) if status else text
    return (
        f"wheel-variants: cannot download {url} ({what}): {reason}; {_NOTHING}. "
        "Run `pdm lock` to lock what the index has now"
    )


def unreachable_message(url: str, what: str, error: object) -> str:
    """An index or file URL that could not be reached."""
    return f"wheel-variants: cannot reach {url} ({what}): {_one_line(error)}; {_NOTHING}"


def _one_line(error: object) -> str:
    return " ".join(str(error).split())


def _locked_names(candidate: Candidate) -> list[tuple[str, str]]:
    from .._pdm.candidates import locked_file_names

    return locked_file_names(candidate)


def _index_urls(project: Any, key: str) -> list[str]:
    from .._pdm.sources import package_sources

    return [str(source.url) for source in package_sources(project.sources, key) if source.url]


def _listed_files(environment: Any, project: Any, key: str, version: str | None) -> dict[str, str | None] | None:
    """``{filename: "algo:value" or None}`` the index lists now for *key* at *version*; None when
    the index cannot be asked (the caller then reports the files as missing)."""
    from pdm.exceptions import PdmException
    from unearth.errors import UnpackError

    from .._pdm.sources import package_sources

    sources = package_sources(project.sources, key)
    try:
        with environment.get_finder(sources, env_spec=environment.allow_all_spec) as finder:
            packages = list(finder.find_all_packages(key, allow_yanked=True))
    except (PdmException, UnpackError, OSError, ValueError):
        return None
    listed: dict[str, str | None] = {}
    for package in packages:
        if version is not None and str(package.version) != version:
            continue
        link = package.link
        listed[link.filename] = f"{link.hash_name}:{link.hash}" if link.hash_name and link.hash else None
    return listed


def fetch_locked_files(
    environment: Any, candidates: Iterable[Candidate], labels: Mapping[str, str | None], lock_name: str
) -> None:
    """Fetch and hash-check each of *candidates* (PDM keeps what it fetched for the install).

    Raises ``PdmUsageError`` with one line on the first file that is missing, changed or
    unreachable (the first in *candidates*' order, of those fetched). *labels* maps package names
    to the variant label being installed.
    """
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    todo = list(candidates)

    def fetch(candidate: Candidate) -> str | None:
        key = candidate.req.key or candidate.name or ""
        return _fetch_failure(environment, candidate, key, _what(key, candidate.version, labels.get(key), lock_name))

    parallel = len(todo) > 1 and bool(environment.project.config["install.parallel"])
    failure = _run_in_turn(fetch, _run_parallel(fetch, todo) if parallel else todo)
    if failure is not None:
        raise PdmUsageError(escape(failure))


def _run_in_turn(fetch: Callable[[Candidate], str | None], todo: list[Candidate]) -> str | None:
    """*fetch* over *todo* one after another, up to the first failure (returned)."""
    for candidate in todo:
        failure = fetch(candidate)
        if failure is not None:
            return failure
    return None


def _run_parallel(fetch: Callable[[Candidate], str | None], todo: list[Candidate]) -> list[Candidate]:
    """*fetch* over *todo* in threads; the first failure (a line or an exception) cancels those
    not started. What is left to do, in *todo*'s order: the failed and the cancelled."""
    from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait

    pool = ThreadPoolExecutor()
    try:
        futures = [pool.submit(fetch, candidate) for candidate in todo]
        pending = set(futures)
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            if any(future.exception() is not None or future.result() is not None for future in done):
                pool.shutdown(wait=True, cancel_futures=True)
                break
    except BaseException:  # Ctrl-C: stop starting downloads, do not wait for the queue
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return [
        candidate
        for candidate, future in zip(todo, futures, strict=True)
        if future.cancelled() or future.exception() is not None or future.result() is not None
    ]


def _fetch_failure(environment: Any, candidate: Candidate, key: str, what: str) -> str | None:
    """Fetch one candidate's file; the line that says what went wrong, None when it is fetched."""
    from pdm.exceptions import CandidateNotFound
    from unearth.errors import HashMismatchError, UnpackError

    from .._pdm.http import http_error_url, http_errors

    project = environment.project
    prepared = candidate.prepare(environment)
    try:
        prepared.build()
    except HashMismatchError as error:
        locked = [f"{name}:{values[0]}" for name, values in sorted(error.expected.items()) if values]
        actual = ", ".join(f"{name}:{value}" for name, value in sorted(error.actual.items()))
        return changed_file_message(error.link.filename, error.link.redacted, locked, actual, what)
    except CandidateNotFound:
        return _not_found(environment, project, candidate, key, what)
    except UnpackError as error:  # a download failed (HTTP 404, ...)
        link = prepared.link
        url = link.redacted if link is not None else ", ".join(_index_urls(project, key))
        return download_failed_message(url, what, error)
    except http_errors() as error:
        url = http_error_url(error) or ", ".join(_index_urls(project, key))
        return unreachable_message(url, what, error)
    return None


def _not_found(environment: Any, project: Any, candidate: Candidate, key: str, what: str) -> str:
    """No index link matched the locked hashes: tell a changed file from a removed one."""
    locked = _locked_names(candidate)
    urls = _index_urls(project, key)
    listed = _listed_files(environment, project, key, candidate.version)
    if listed:
        for filename, _digest in locked:
            if filename in listed:
                url = urls[0] if len(urls) == 1 else ", ".join(urls)
                hashes = [h for name, h in locked if name == filename]
                return changed_file_message(filename, url, hashes, listed[filename], what)
    return missing_file_message(sorted({name for name, _ in locked}), urls, what)
