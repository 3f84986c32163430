"""Every use of PDM internals (non-public names and data shapes) lives here, and only here.

Supported PDM versions: :data:`SUPPORTED` (pinned by ``tests/test_pdm_seams.py``). Each helper
names the PDM internal it relies on, so a PDM upgrade is checked against this one file.
"""

from __future__ import annotations

import contextlib
import csv
import functools
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from importlib.metadata import Distribution

    from pdm._types import RepositoryConfig
    from pdm.environments import BaseEnvironment
    from pdm.models.candidates import Candidate
    from pdm.models.repositories import Package
    from pdm.project.lockfile.base import Lockfile
    from unearth import Link

__all__ = [
    "SUPPORTED",
    "add_to_record",
    "cache_dependency_lines",
    "cached_dependency_lines",
    "chain_core_classes",
    "check_pdm_version",
    "http_error_url",
    "http_errors",
    "http_module",
    "missing_seams",
    "dist_info_path",
    "filter_hashes",
    "locked_file_names",
    "link_keyed_info_cache",
    "lock_freshness_hook",
    "lockfile_path",
    "make_source",
    "platform_marker_environment",
    "pylock_package_tables",
    "read_toml",
    "sdist_sources",
    "stream_get",
    "toml_for_write",
    "with_mixin",
    "wrap_get_finder",
]

#: ``(lowest, first unsupported)`` PDM release this plugin is tested with.
SUPPORTED = ((2, 26), (2, 30))


def check_pdm_version(version: str) -> str | None:
    """A one-line message when *version* is outside :data:`SUPPORTED`, else None."""
    parts: list[int] = []
    for piece in version.split(".")[:2]:
        digits = "".join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    current = [*parts, 0, 0][:2]
    low, high = SUPPORTED
    if low <= (current[0], current[1]) < high:
        return None
    return (
        f"wheel-variants: PDM {version} is not supported (supported: >={low[0]}.{low[1]},<{high[0]}.{high[1]}); "
        "the variant plugin is disabled"
    )


# -- PDM's HTTP client ------------------------------------------------------------------------


def http_module() -> ModuleType:
    """The HTTP library behind PDM's session (``project.environment.session``): ``httpx2`` since
    PDM 2.29.4, ``httpx`` before. Its responses and exceptions are that library's types, so
    catching ``httpx.HTTPError`` misses them on 2.29.4 even where ``httpx`` is importable.
    Internal: the module ``pdm.models.session`` imports (verified on 2.26.0, 2.29.3, 2.29.4)."""
    import pdm.models.session as session

    for name in ("httpx2", "httpx"):
        module = getattr(session, name, None)
        if isinstance(module, ModuleType) and isinstance(getattr(module, "HTTPError", None), type):
            return module
    raise ImportError("pdm.models.session uses neither httpx2 nor httpx")


def http_errors() -> tuple[type[BaseException], ...]:
    """What PDM's session raises for a transport or status failure (``except http_errors():``)."""
    return (http_module().HTTPError,)


def http_error_url(error: BaseException) -> str | None:
    """The URL of the request an HTTP error is about, when it carries one."""
    try:
        return str(error.request.url)  # type: ignore[attr-defined]
    except (AttributeError, RuntimeError):  # RuntimeError: httpx's error without a request
        return None


def stream_get(session: Any, url: str) -> contextlib.AbstractContextManager[Any]:
    """``session.stream("GET", url)``: a response whose body is read as it arrives.

    PDM before hishel 1.0 (2.26: hishel 0.1) wraps each transport in hishel's ``CacheTransport``,
    which reads the whole body into memory before returning the response, so a bounded reader
    never gets to stop an endless one. Through such a transport the request goes by a client that
    shares the session's auth, headers and timeout and the cache's inner transport (TLS, proxy,
    connection pool); hishel 1.x (PDM 2.29) streams through its cache and the session is used as
    is. Internal: ``httpx.Client._transport_for_url`` and hishel 0.x ``CacheTransport._transport``.
    """
    module = http_module()
    transport = session._transport_for_url(module.URL(url))
    inner = getattr(transport, "_transport", None)
    buffering = type(transport).__name__ == "CacheTransport" and type(transport).__module__.startswith("hishel.")
    if not buffering or inner is None:
        return session.stream("GET", url)  # type: ignore[no-any-return]
    # Never closed: closing a client closes its transport, and this one is the session's.
    client = module.Client(
        auth=session.auth, headers=session.headers, timeout=session.timeout, follow_redirects=True, transport=inner
    )
    return client.stream("GET", url)  # type: ignore[no-any-return]


# -- feature detection ------------------------------------------------------------------------


def _attributes(module: str, owner: str | None, *names: str) -> Callable[[], bool]:
    def check() -> bool:
        import importlib

        target: Any = importlib.import_module(module)
        if owner is not None:
            target = getattr(target, owner)
        return all(hasattr(target, name) for name in names)

    return check


def _http_client() -> bool:
    # Checked on the module's source when PDM has not imported it yet: importing it (httpx2 and
    # hishel) costs ~50 ms, which `pdm install` with nothing to do never pays otherwise.
    import sys

    if "pdm.models.session" in sys.modules:
        return http_module() is not None
    import importlib.util
    import re

    spec = importlib.util.find_spec("pdm.models.session")
    if spec is None or not spec.origin:
        return False
    with open(spec.origin, encoding="utf-8") as source:
        text = source.read(1 << 20)
    found = re.search(r"^import (httpx2|httpx)$", text, re.MULTILINE)
    return found is not None and importlib.util.find_spec(found.group(1)) is not None


def _toml_access() -> bool:
    import pdm.project.toml_file as toml_file

    # open_for_read/open_for_write since 2.26.2; before, TOMLBase. Both keep the parsed document
    # in ``_data`` (what lock_data reads).
    for name in ("TOMLFile", "TOMLBase"):
        owner = getattr(toml_file, name, None)
        if owner is not None and "_data" in owner.__init__.__code__.co_names:
            return True
    return False


def _repository_config() -> bool:
    import dataclasses

    from pdm._types import RepositoryConfig

    fields = {field.name for field in dataclasses.fields(RepositoryConfig)}
    return {"config_prefix", "name", "url", "include_packages", "exclude_packages"} <= fields


#: Each PDM or unearth name the plugin relies on, as ``(what, check)``; the versions each was
#: verified on are in the docstrings of the helpers above and in ``docs/pdm.md``.
SEAMS: tuple[tuple[str, Callable[[], bool]], ...] = (
    ("pdm.models.session's HTTP client (httpx2 or httpx)", _http_client),
    ("pdm._types.RepositoryConfig fields", _repository_config),
    ("pdm.utils.filtered_sources", _attributes("pdm.utils", None, "filtered_sources")),
    ("pdm.models.markers.EnvSpec.from_spec", _attributes("pdm.models.markers", "EnvSpec", "from_spec")),
    ("pdm.project.toml_file.TOMLFile data access", _toml_access),
    (
        "pdm.project.Project methods",
        _attributes(
            "pdm.project",
            "Project",
            "get_sources",
            "write_lockfile",
            "get_locked_repository",
            "get_synchronizer",
            "get_environment",
            "get_resolver",
            "make_wheel_cache",
            "package_cache",
            "make_candidate_info_cache",
        ),
    ),
    ("pdm.formats.pylock.PyLockConverter", _attributes("pdm.formats.pylock", "PyLockConverter", "convert")),
    (
        "pdm.models.repositories.lock.LockedRepository",
        _attributes("pdm.models.repositories.lock", "LockedRepository", "add_package"),
    ),
    (
        "pdm.models.caches.CandidateInfoCache internals",
        _attributes("pdm.models.caches", "CandidateInfoCache", "_get_key", "_write_cache"),
    ),
    ("pdm.environments.BaseEnvironment.get_finder", _attributes("pdm.environments", "BaseEnvironment", "get_finder")),
    (
        "pdm.models.finder.PDMPackageFinder internals",
        _attributes(
            "pdm.models.finder",
            "PDMPackageFinder",
            "build_evaluator",
            "_evaluate_links",
            "_find_packages",
            "_sort_key",
            "find_matches",
            "download_and_unpack",
        ),
    ),
    ("unearth.evaluator.Evaluator.evaluate_link", _attributes("unearth.evaluator", "Evaluator", "evaluate_link")),
    (
        "pdm.installers.BaseSynchronizer internals",
        _attributes("pdm.installers", "BaseSynchronizer", "_should_update", "synchronize"),
    ),
    ("pdm.installers.InstallManager.install", _attributes("pdm.installers", "InstallManager", "install")),
)


#: Seams whose modules cost 20-50 ms to import and that only a project with variants uses:
#: checked when such a project first needs them (:func:`missing_seams` ``at_load=False``), so a
#: plain ``pdm install`` does not import them on the plugin's account.
USE_TIME_SEAMS = frozenset(
    {
        "pdm.formats.pylock.PyLockConverter",
        "pdm.models.finder.PDMPackageFinder internals",
        "unearth.evaluator.Evaluator.evaluate_link",
    }
)


def missing_seams(*, at_load: bool = False) -> list[str]:
    """The :data:`SEAMS` this PDM lacks (empty when the plugin can run); *at_load*: only those
    checked when PDM loads the plugin (all but :data:`USE_TIME_SEAMS`)."""
    missing = []
    for what, check in SEAMS:
        if at_load and what in USE_TIME_SEAMS:
            continue
        try:
            present = check()
        except (ImportError, AttributeError, TypeError):
            present = False
        if not present:
            missing.append(what)
    return missing


# -- classes on ``core`` ----------------------------------------------------------------------


class _ChainedClass:
    """A ``Core`` attribute that holds a class (``project_class``, ``install_manager_class``,
    ``repository_class``) and always answers it subclassed by the plugin's factory.

    Whatever is set on the instance or patched onto ``Core`` itself, before or after the plugin
    loaded (another plugin, PDM's own test doubles), is what the plugin's subclass extends: the
    factory runs on the class in effect at each read (memoised per class).
    """

    def __init__(self, name: str, make: Callable[[type], type]) -> None:
        self.name = name
        self.make = make
        self.made: dict[type, type] = {}

    def _current(self, owner: type, core: Any) -> type:
        if core is not None and self.name in core.__dict__:
            value: type = core.__dict__[self.name]
            return value
        for klass in owner.__mro__:
            found = klass.__dict__.get(self.name)
            if found is not None and found is not self:
                return found  # type: ignore[no-any-return]
        raise AttributeError(self.name)

    def __get__(self, core: Any, owner: type) -> type:
        base = self._current(owner, core)
        made = self.made.get(base)
        if made is None:
            made = self.made[base] = self.make(base)
        return made

    def __set__(self, core: Any, value: type) -> None:
        core.__dict__[self.name] = value

    def __delete__(self, core: Any) -> None:
        core.__dict__.pop(self.name, None)


def chain_core_classes(core: Any, factories: Mapping[str, Callable[[type], type]]) -> None:
    """Make each ``core.<name>`` answer ``factories[name](<the class in effect>)``, by switching
    *core* to a subclass of its own class that holds a :class:`_ChainedClass` per name (a plain
    instance attribute would hide a later ``mocker.patch.object(Core, ...)``)."""
    cls = type(core)
    current = {name: core.__dict__[name] for name in factories if name in core.__dict__}
    namespace: dict[str, Any] = {name: _ChainedClass(name, make) for name, make in factories.items()}
    core.__class__ = type(f"Variants{cls.__name__}", (cls,), namespace)
    for name, value in current.items():  # instance values set before us stay the base
        core.__dict__[name] = value


def make_source(name: str, url: str, include_packages: Iterable[str]) -> RepositoryConfig:
    """A ``[[tool.pdm.source]]``-like entry routing *include_packages* exclusively to *url*.

    ``exclude_packages = ["*"]`` keeps every other package off this index: without it PDM also
    asks a source with ``include_packages`` for all packages nobody includes.
    Internal: ``pdm._types.RepositoryConfig`` ("private dataclass"); ``config_prefix`` is required
    since PDM 2.3 (leaving it out is what broke pdm-plugin-torch).
    """
    from pdm._types import RepositoryConfig

    return RepositoryConfig(
        config_prefix="pypi", name=name, url=url, include_packages=list(include_packages), exclude_packages=["*"]
    )


def sdist_sources(sources: list[RepositoryConfig], package: str) -> list[dict[str, str]]:
    """The sources that would serve *package* without variant routing, in unearth's source
    shape (``{"url", "type"}``): where its sdist is found when no variant wheel fits.
    Internal: ``pdm.utils.filtered_sources`` and ``unearth.PackageFinder.sources``."""
    from pdm.utils import filtered_sources

    return [
        {"url": source.url, "type": "find_links" if source.type == "find_links" else "index"}
        for source in filtered_sources(sources, package)
        if source.url
    ]


def platform_marker_environment(project: Any, platform: str) -> dict[str, str]:
    """Marker values of a PDM platform name (``linux``, ``macos_arm64``, ``windows_amd64`` ...),
    over this interpreter's defaults. Internal: ``pdm.models.markers.EnvSpec.from_spec``."""
    from pdm.models.markers import EnvSpec

    # project.python_requires, not project.environment's (the same value): before PDM 2.26.2 creating
    # the environment reads project.sources, and get_sources may call this, a recursion.
    spec = EnvSpec.from_spec(str(project.python_requires), platform)
    return dict(spec.markers_with_defaults())


def lockfile_path(lockfile: Lockfile) -> Path:
    """Where the lock file lives. Internal: ``TOMLFile._path``."""
    return Path(lockfile._path)


def read_toml(file: Any) -> dict[str, Any]:
    """Plain data of PDM's ``project.pyproject`` or ``project.lockfile``.

    ``TOMLFile.open_for_read()`` since PDM 2.26.2; before, the file was a tomlkit ``TOMLFile``
    whose parsed document is ``TOMLBase._data`` (internal).
    """
    read = getattr(file, "open_for_read", None)
    if read is not None:
        data: dict[str, Any] = read()
        return data
    return file._data.unwrap()  # type: ignore[no-any-return]


def lock_data(lockfile: Lockfile) -> tuple[object, Mapping[str, Any]]:
    """The lock PDM holds in memory, without the deep copy ``open_for_read()`` makes: an identity
    token (a new object whenever PDM formats, reloads or sets the lock) and the plain data, which
    the caller must not change.

    Internal: ``TOMLFile._data``, a dict parsed by ``tomllib``, or a tomlkit document once opened
    for writing (always one before PDM 2.26.2).
    """
    data = lockfile._data
    return data, (data.unwrap() if hasattr(data, "unwrap") else data)


def toml_for_write(file: Any) -> Any:
    """The tomlkit document that ``file.write()`` saves (edit it in place).

    ``TOMLFile.open_for_write()`` since PDM 2.26.2; before, ``TOMLBase._data`` (internal).
    """
    open_for_write = getattr(file, "open_for_write", None)
    return open_for_write() if open_for_write is not None else file._data


def lock_freshness_hook(project_class: type) -> str:
    """The ``Project`` method PDM asks whether the lock file is up to date (``pdm lock --check``,
    the re-lock before ``pdm install``): ``is_lockfile_fresh`` since PDM 2.28.1; before, its
    ``check_lockfile`` action called ``is_lockfile_hash_match``."""
    return "is_lockfile_fresh" if hasattr(project_class, "is_lockfile_fresh") else "is_lockfile_hash_match"


def filter_hashes(candidate: Candidate, keep: frozenset[str]) -> int:
    """Keep only the locked files whose hash is in *keep*; return how many remain.

    Internal: ``Candidate.hashes`` is a list of ``{"url"|"file", "hash"}`` dicts (``FileHash``);
    ``PreparedCandidate._obtain`` picks the link among them.
    """
    candidate.hashes = [entry for entry in candidate.hashes if entry.get("hash") in keep]
    return len(candidate.hashes)


def locked_file_names(candidate: Candidate) -> list[tuple[str, str]]:
    """``(filename, hash)`` of a locked candidate's files. Internal: ``FileHash`` has ``file``
    or, in a ``static_urls`` lock, ``url``."""
    files = []
    for entry in candidate.hashes:
        name = entry.get("file") or entry.get("url", "").rsplit("/", 1)[-1].split("#", 1)[0]
        if name and entry.get("hash"):
            files.append((name, entry["hash"]))
    return files


def dist_info_path(dist: Distribution) -> Path | None:
    """The ``.dist-info`` directory of an installed distribution. Internal: ``PathDistribution._path``."""
    path = getattr(dist, "_path", None)
    return Path(path) if path is not None else None


def add_to_record(dist_info: Path, name: str, data: bytes) -> None:
    """Write ``<dist-info>/<name>`` and list it in RECORD, so that uninstalling removes it."""
    import base64
    import hashlib

    (dist_info / name).write_bytes(data)
    record = dist_info / "RECORD"
    rows = list(csv.reader(io.StringIO(record.read_text(encoding="utf-8")))) if record.exists() else []
    relative = f"{dist_info.name}/{name}"
    rows = [row for row in rows if row and row[0] != relative]
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    rows.append([relative, f"sha256={digest}", str(len(data))])
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    record.write_text(out.getvalue(), encoding="utf-8")


def lock_packages(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """The ``[[package]]`` entries of a ``pdm.lock`` document (empty for other formats)."""
    packages = document.get("package", [])
    return [entry for entry in packages if isinstance(entry, Mapping)] if isinstance(packages, list) else []


def pylock_package_tables(project: Any, packages: Iterable[Package], groups: list[str]) -> list[Any]:
    """``pylock.toml`` ``[[packages]]`` tables for resolved *packages*, exactly as PDM writes them
    (name, version, requires-python, wheels/sdist, the marker of their groups and marker,
    ``[packages.tool.pdm] dependencies``); *groups*: the lock's groups and extras.

    Internal: ``pdm.formats.pylock.PyLockConverter.convert`` (its ``make_package`` and marker
    rule) run on a ``LockedRepository`` holding only *packages*; the tables are tomlkit items.
    """
    from pdm.formats.pylock import PyLockConverter
    from pdm.models.repositories.lock import LockedRepository

    repository = LockedRepository({}, project.sources, project.environment)
    for package in packages:
        repository.add_package(package)
    return list(PyLockConverter(project, repository).convert(groups)["packages"])


_MIXED: dict[tuple[type, type], type] = {}


def with_mixin(obj: Any, mixin: type) -> Any:
    """Give *obj* the behaviour of *mixin* in place, by switching its class to ``(mixin, type(obj))``.

    Used where PDM builds an object itself and offers no factory to override: the finder made
    inside ``BaseEnvironment.get_finder`` (``pdm.models.finder.PDMPackageFinder``) and the
    evaluator it builds (``PDMEvaluator``). Both are plain classes, so the switch is layout-safe.
    """
    cls = type(obj)
    if issubclass(cls, mixin):
        return obj
    mixed = _MIXED.get((cls, mixin))
    if mixed is None:
        mixed = _MIXED[(cls, mixin)] = type(f"{mixin.__name__.lstrip('_')}{cls.__name__}", (mixin, cls), {})
    obj.__class__ = mixed
    return obj


def wrap_get_finder(environment: BaseEnvironment, adapt: Callable[[Any], Any]) -> None:
    """Make ``environment.get_finder(...)`` yield ``adapt(finder)``. Internal: ``get_finder`` is a
    context-manager method that builds the finder itself (no factory to override)."""
    if getattr(environment, "_wv_finder_wrapped", False):
        return
    original = environment.get_finder

    @contextlib.contextmanager
    def get_finder(*args: Any, **kwargs: Any) -> Iterator[Any]:
        with original(*args, **kwargs) as finder:
            yield adapt(finder)

    environment.get_finder = get_finder  # type: ignore[method-assign]
    environment._wv_finder_wrapped = True  # type: ignore[attr-defined]


def link_keyed_info_cache(cache: Any) -> Any:
    """*cache* (what ``Project.make_candidate_info_cache`` returned) re-keyed by the file each
    candidate's metadata came from, and written atomically under a lock.

    Internal: ``CandidateInfoCache._get_key`` (name, extras, version), ``_cache``, ``_write_cache``
    and ``cache_file``; ``EmptyCandidateInfoCache`` (``--no-cache``) is returned unchanged.
    """
    from pdm.models.caches import EmptyCandidateInfoCache

    if isinstance(cache, EmptyCandidateInfoCache):
        return cache
    return _link_keyed_info_cache_class()(cache.cache_file)


def cached_dependency_lines(cache: Any, name: str, version: str, link: Link) -> list[str] | None:
    """The dependency lines *cache* (:func:`link_keyed_info_cache`) holds for the file at *link*.

    Internal: the cache stores ``(dependencies, requires_python, summary)`` per candidate.
    """
    try:
        return list(cache.get(_link_candidate(name, version, link))[0])
    except KeyError:
        return None


def cache_dependency_lines(
    cache: Any, name: str, version: str, link: Link, lines: list[str], requires_python: str, summary: str
) -> None:
    """Store what :func:`cached_dependency_lines` reads (same internal tuple)."""
    cache.set(_link_candidate(name, version, link), (lines, requires_python, summary))


def _link_candidate(name: str, version: str, link: Link) -> Candidate:
    from pdm.models.candidates import Candidate
    from pdm.models.requirements import parse_requirement

    return Candidate(parse_requirement(f"{name}=={version}"), name=name, version=version, link=link)


@functools.cache
def _link_keyed_info_cache_class() -> type:
    import json

    from filelock import FileLock, Timeout
    from pdm.models.caches import CandidateInfoCache

    from wheel_variants.cachekeys import metadata_key
    from wheel_variants.fileio import atomic_write_text

    class LinkKeyedCandidateInfoCache(CandidateInfoCache):
        @classmethod
        def _get_key(cls, obj: Candidate) -> str:
            base: str = super()._get_key(obj)
            link = obj.link
            if link is None:
                return base
            file_hash = f"{link.hash_name}:{link.hash}" if link.hash and link.hash_name else None
            return metadata_key(base, link.url_without_fragment, file_hash)

        def _write_cache(self) -> None:
            # Merge with what other processes wrote meanwhile, then replace the file atomically.
            try:
                with FileLock(f"{self.cache_file}.lock", timeout=60):
                    on_disk: dict[str, Any] = {}
                    try:
                        loaded = json.loads(self.cache_file.read_text(encoding="utf-8"))
                        on_disk = loaded if isinstance(loaded, dict) else {}
                    except (OSError, ValueError):
                        pass
                    self._cache = {**on_disk, **self._cache}
                    atomic_write_text(self.cache_file, json.dumps(self._cache))
            except (Timeout, OSError):
                pass  # a cache that cannot be written is skipped, as PDM does

    return LinkKeyedCandidateInfoCache
