"""Which PDM releases and internals the plugin relies on, checked when PDM loads it; chaining onto ``Core``.

Internal names used here are named in each helper's docstring, with the PDM releases they were
verified on (2.26.0, 2.29.3, 2.29.4).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .http import http_module

__all__ = [
    "SEAMS",
    "SUPPORTED",
    "USE_TIME_SEAMS",
    "chain_core_classes",
    "check_pdm_version",
    "lock_freshness_hook",
    "variant_subclass",
    "missing_seams",
    "with_mixin",
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
    # in ``_data`` (what toml_data reads).
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
#: verified on are in the docstrings of the helpers in this package and in ``docs/pdm.md``.
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


def lock_freshness_hook(project_class: type) -> str:
    """The ``Project`` method PDM asks whether the lock file is up to date (``pdm lock --check``,
    the re-lock before ``pdm install``): ``is_lockfile_fresh`` since PDM 2.28.1; before, its
    ``check_lockfile`` action called ``is_lockfile_hash_match``."""
    return "is_lockfile_fresh" if hasattr(project_class, "is_lockfile_fresh") else "is_lockfile_hash_match"


#: The class attribute that marks a class the plugin made (a second ``plugin(core)`` keeps it).
MARK = "__wheel_variants__"


def variant_subclass(base: type, *mixins: type) -> type:
    """``Variants<base>``: *mixins* placed before *base* (whatever class PDM or another plugin put
    on ``Core``, so they still chain); *base* itself when it is one already."""
    if getattr(base, MARK, False):
        return base
    name = f"Variants{base.__name__}"
    return type(name, (*mixins, base), {MARK: True, "__module__": mixins[0].__module__, "__qualname__": name})
