"""The ``Project`` mixin: PDM's public ``Project`` methods, adapted to variant selection.

* ``variants_plan`` is this machine's plan and ``variants_lock`` the lock PDM holds, read once
  into a :class:`~pdm_variants.lock.document.LockDocument`; every room reads these two;
* ``get_sources`` routes each managed package exclusively to its chosen variant's index;
* ``write_lockfile`` re-adds the plugin's tables (PDM rebuilds the lock from scratch), through
  :mod:`pdm_variants.lock.writer`;
* ``get_locked_repository`` gives managed packages the dependencies of the label installed here
  (:mod:`pdm_variants.install.lockedrepo`);
* ``is_lockfile_fresh`` also needs the variant this machine selects to be locked;
* ``get_synchronizer`` installs the locked variant's files and reinstalls on a variant switch
  (:mod:`pdm_variants.install.synchronizer`);
* ``get_environment`` applies the chosen variants' build settings (source builds);
* ``make_wheel_cache``, ``package_cache`` and ``make_candidate_info_cache`` key built wheels on
  label and build settings, unpacked wheels on content, metadata on its file (:mod:`pdm_variants.cache`);
* ``get_resolver`` / ``get_synchronizer`` refuse ``use_uv`` (it ignores per-package routing).

Without a managed package every method defers to PDM unchanged.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pdm._types import RepositoryConfig
    from pdm.environments import BaseEnvironment
    from pdm.installers import BaseSynchronizer
    from pdm.models.caches import CandidateInfoCache, PackageCache, WheelCache
    from pdm.models.markers import EnvSpec
    from pdm.models.repositories import LockedRepository
    from pdm.project import Project
    from pdm.resolver.base import Resolver

    from wheel_variants.packages import PackagesConfig
    from wheel_variants.supported import SupportedProperties

    from .find.finder import VariantWheels
    from .lock.document import LockDocument
    from .lock.releases import ReleaseFiles
    from .lock.targets import TargetPlan
    from .plan import VariantPlan

from ._pdm.lockfile import toml_data, toml_document, toml_for_write
from ._pdm.seams import lock_freshness_hook, variant_subclass

__all__ = ["make_project_class"]


def _locked_names(data: Mapping[str, Any]) -> set[str]:
    """The normalised names of the ``[[package]]`` (``pdm.lock``) or ``[[packages]]`` (``pylock.toml``) entries."""
    from wheel_variants.names import normalize_name

    entries = data.get("package", data.get("packages"))
    if not isinstance(entries, list):
        return set()
    return {normalize_name(e["name"]) for e in entries if isinstance(e, Mapping) and isinstance(e.get("name"), str)}


def _tool_table(pyproject: Mapping[str, Any]) -> Mapping[str, Any] | None:
    tool = pyproject.get("tool", {})
    table = tool.get("wheel-variants") if isinstance(tool, Mapping) else None
    return table if isinstance(table, Mapping) else None


def _tool_table_problems(table: Mapping[str, Any]) -> list[str]:
    from wheel_variants.config import tool_table_problems  # only for projects with the table

    return tool_table_problems(table)


def _detect_supported() -> SupportedProperties:
    from .plan import detect_supported  # imported on first need: plain projects never detect

    return detect_supported()


def _require_use_time_seams() -> None:
    """Stop a project that uses variants when this PDM lacks a seam checked only now (once per process)."""
    global _SEAMS_CHECKED
    if _SEAMS_CHECKED:
        return
    from pdm.__version__ import __version__
    from pdm.exceptions import PdmUsageError
    from rich.markup import escape

    from ._pdm.seams import USE_TIME_SEAMS, missing_seams

    missing = [what for what in missing_seams() if what in USE_TIME_SEAMS]
    if missing:
        raise PdmUsageError(
            escape(
                f"wheel-variants: PDM {__version__} lacks {'; '.join(missing)}, so the variant plugin cannot "
                "run here (`pdm variants doctor` shows the details). This project uses variants, so PDM would "
                "lock or install the wrong build; stopping"
            )
        )
    _SEAMS_CHECKED = True


_SEAMS_CHECKED = False


class VariantsProject:
    """The variant behaviour of PDM's ``Project``, as a mixin placed before PDM's class (see
    :func:`make_project_class`); every method defers to PDM when the project uses no variants."""

    # -- the plan -----------------------------------------------------------------------

    def variants_plan(self) -> VariantPlan | None:
        """The variant plan of this project on this machine, or None when nothing is managed."""
        from pdm.exceptions import PdmUsageError
        from rich.markup import escape

        from wheel_variants.errors import VariantsError

        from .declared import direct_dependency_names

        _, pyproject = toml_data(self.pyproject)  # read, never changed: no copy (this runs many times)
        declared = direct_dependency_names(pyproject)
        locked = self._variants_locked_names()
        table = _tool_table(pyproject)
        problems = _tool_table_problems(table) if table else []
        if problems:  # a misspelled key ('pakages', 'targts') would otherwise be ignored in silence
            raise PdmUsageError(escape("\n".join(problems)))
        if not (table and table.get("packages")) and not _catalog_mentions(declared | locked):
            return None
        try:
            from .plan import managed_packages

            config = self._variants_config(table)
            packages = managed_packages(config, declared, locked)
            if not packages:
                return None
            _require_use_time_seams()
            return self._variants_plan_for(packages)
        except VariantsError as error:
            raise PdmUsageError(escape(str(error))) from None

    def variant_wheels(self) -> VariantWheels:
        """The PEP 825 state every finder of this project shares (detection runs on first need)."""
        wheels = self.__dict__.get("_wv_wheels")
        if wheels is None:
            from .find.finder import VariantWheels

            wheels = VariantWheels(
                _detect_supported, lambda: self._variants_saved_lock().records, lambda: self.cache("variants-json")
            )
            self.__dict__["_wv_wheels"] = wheels
        return wheels  # type: ignore[no-any-return]

    def variants_lock(self) -> LockDocument:
        """The lock as the plugin reads it (:mod:`pdm_variants.lock.document`), read once for each
        lock PDM holds: again only after PDM formats or reloads the lock, never per package."""
        token = toml_document(self.lockfile)
        cached = self.__dict__.get("_wv_lock")
        if cached is None or cached[0] is not token:
            from .lock.document import LockDocument

            _, data = toml_data(self.lockfile)
            written = self.__dict__.get("_wv_written")
            table = written[1] if written is not None and written[0] is token else None
            with self._variants_lock_errors():
                cached = self.__dict__["_wv_lock"] = (token, LockDocument.from_data(data, table))
        return cached[1]  # type: ignore[no-any-return]

    @contextlib.contextmanager
    def _variants_lock_errors(self) -> Iterator[None]:
        """A lock the plugin cannot read (a newer table schema): one line naming the file."""
        from wheel_variants.errors import VariantsError

        try:
            yield
        except VariantsError as error:
            from pdm.exceptions import PdmUsageError
            from rich.markup import escape

            from ._pdm.lockfile import lockfile_path

            raise PdmUsageError(escape(f"wheel-variants: {lockfile_path(self.lockfile).name}: {error}")) from None

    def _variants_saved_lock(self) -> LockDocument:
        """:meth:`variants_lock` once the lock file exists; an empty one while a first lock is
        being made (its packages are not locked yet)."""
        from ._pdm.lockfile import lockfile_path

        if lockfile_path(self.lockfile).exists():
            return self.variants_lock()
        from .lock.document import LockDocument

        return LockDocument()

    def _variants_locked_names(self) -> set[str]:
        """The locked packages the plan manages besides the declared ones. A catalog package that
        arrives as a dependency in a first lock is not among them (it was resolved from the
        ordinary sources; the next lock routes it). Read from the plain data, once per lock PDM
        holds: plain projects ask on every plan and never need the plugin's reading of the lock."""
        from ._pdm.lockfile import lockfile_path

        if not lockfile_path(self.lockfile).exists():
            return set()
        document = toml_document(self.lockfile)
        cached = self.__dict__.get("_wv_locked_names")
        if cached is None or cached[0] is not document:
            cached = self.__dict__["_wv_locked_names"] = (document, _locked_names(document))
        return cached[1]  # type: ignore[no-any-return]

    def _variants_lock_used(self) -> bool:
        """Whether the lock holds the plugin's tables (variant records or team targets). A
        ``pdm.lock`` without the table is not read further (plain projects pay nothing)."""
        from .lock.table import KEY

        document = toml_document(self.lockfile)
        written = self.__dict__.get("_wv_written")
        if written is None or written[0] is not document:
            metadata = document.get("metadata")
            pylock = "lock-version" in document and metadata is None  # read whole, below
            if not pylock and not (isinstance(metadata, Mapping) and KEY in metadata):
                return False  # a pdm.lock (or none yet) without the plugin's table
        lock = self.variants_lock()
        return bool(lock.records or lock.targets)

    def _variants_config(self, table: Mapping[str, Any] | None) -> PackagesConfig:
        cached = self.__dict__.get("_wv_config")
        if cached is None:
            from wheel_variants.catalog import load_packages

            cached = self.__dict__["_wv_config"] = load_packages(table)
        return cached

    def _variants_plan_for(self, packages: tuple[Any, ...]) -> VariantPlan:
        key = tuple(p.name for p in packages)
        cached = self.__dict__.get("_wv_plan")
        if cached is not None and cached[0] == key:
            return cached[1]  # type: ignore[no-any-return]
        from .plan import detect_supported, make_plan

        plan = make_plan(packages, detect_supported())
        self.__dict__["_wv_plan"] = (key, plan)
        self._variants_warn(plan)
        return plan

    def _variants_warn(self, plan: VariantPlan) -> None:
        """Unknown namespaces and packages no variant fits: each warned once per command."""
        from rich.markup import escape

        from wheel_variants.detection import BUILTIN_NAMESPACES

        from .diagnose import plan_warnings

        warned: set[str] = self.__dict__.setdefault("_wv_warned", set())
        for line in plan_warnings(plan.selections, plan.supported, BUILTIN_NAMESPACES):
            if line not in warned:
                warned.add(line)
                self.core.ui.warn(escape(line))

    # -- PDM's public methods -----------------------------------------------------------

    def get_sources(self, expand_env: bool = True, include_stored: bool = False) -> list[RepositoryConfig]:
        sources: list[RepositoryConfig] = super().get_sources(expand_env, include_stored)
        plan = self.variants_plan()
        if plan is None:
            return sources
        from ._pdm.sources import make_source, sdist_sources

        routes = self._variants_routes(plan)
        wheels = self.variant_wheels()
        for _, _, package in routes:
            wheels.sdist_sources[package] = sdist_sources(sources, package)
        return [*sources, *(make_source(name, url, [package]) for name, url, package in routes)]

    def _variants_routes(self, plan: VariantPlan) -> list[tuple[str, str, str]]:
        """This machine's routes; a package no variant of which fits here is resolved from the
        first declared target's choice (a team lock needs no hardware of its own). While a
        lock is installed, a package goes to the index of the label the lock gives this machine
        (see :meth:`variants_install_from`), which may not be the label it would pick today."""
        from .plan import source_name

        installing: dict[str, dict[str, Any]] = self.__dict__.get("_wv_installing", {})
        routes = [route for route in plan.routes() if route[2] not in installing]
        routes.extend(
            (source_name(package, marker["label"]), marker["index"], package) for package, marker in installing.items()
        )
        routed = {package for _, _, package in routes}
        if len(routed) < len(plan.selections):
            for target in self.variants_targets():
                for route in target.plan.routes() if target.plan is not None else ():
                    if route[2] not in routed:
                        routes.append(route)
                        routed.add(route[2])
        return routes

    def variants_install_from(self, package: str, marker: dict[str, Any]) -> None:
        """Route *package* to ``marker["index"]``, the index of the locked variant this machine
        installs (*marker*: ``label``, ``index``, ``properties``, as ``wheel-variant.json`` records it)."""
        self.__dict__.setdefault("_wv_installing", {})[package] = marker

    def variants_installing(self, package: str) -> dict[str, Any] | None:
        """The locked variant being installed for *package* (None outside an install)."""
        marker: dict[str, Any] | None = self.__dict__.get("_wv_installing", {}).get(package)
        return marker

    def variants_refusal(self, name: str) -> str | None:
        """Why *name* must not be resolved from the project's ordinary sources: a managed package
        that no variant fits here and no team target routes (None when it may be resolved)."""
        plan = self.variants_plan()
        selection = plan.selection(name) if plan is not None else None
        if selection is None or selection.chosen is not None or selection.package.allow_other_sources:
            return None
        assert plan is not None
        if any(route[2] == selection.package.name for route in self._variants_routes(plan)):
            return None
        from .diagnose import no_fit_refusal

        return no_fit_refusal(selection)

    def variants_release_files(self) -> ReleaseFiles:
        """The files of pinned releases on variant indexes, each page fetched once per command."""
        releases = self.__dict__.get("_wv_release_files")
        if releases is None:
            from .lock.releases import ReleaseFiles

            releases = self.__dict__["_wv_release_files"] = ReleaseFiles(self.environment, self.make_hash_cache())
        return releases  # type: ignore[no-any-return]

    def variants_targets(self) -> list[TargetPlan]:
        """The team targets of ``[tool.wheel-variants.targets]`` with their plans (cached)."""
        targets = self.__dict__.get("_wv_targets")
        if targets is None:
            from wheel_variants.errors import VariantsError

            from .lock.targets import read_targets

            try:
                targets = read_targets(self, self.variants_plan())
            except VariantsError as error:
                from pdm.exceptions import PdmUsageError
                from rich.markup import escape

                raise PdmUsageError(escape(f"wheel-variants: {error}")) from None
            self.__dict__["_wv_targets"] = targets
        return targets  # type: ignore[no-any-return]

    def get_locked_repository(self, env_spec: EnvSpec | None = None) -> LockedRepository:
        if not self._variants_lock_used():
            repository: LockedRepository = super().get_locked_repository(env_spec)
            return repository
        from ._pdm.lockfile import without_key
        from .install.lockedrepo import adapt_locked_repository
        from .lock.table import KEY

        records = self.variants_lock().records  # read (and kept) before the table is set aside
        with without_key(self.lockfile, KEY):  # PDM copies the lock for a reader that skips it
            repository = super().get_locked_repository(env_spec)
        adapt_locked_repository(repository, records, lambda: self.variant_wheels().supported)
        return repository

    def write_lockfile(self, *args: Any, **kwargs: Any) -> None:
        plan = self.variants_plan()
        wheels = self.__dict__.get("_wv_wheels")
        if plan is not None or (wheels is not None and wheels.seen) or self._variants_lock_file_used():
            self._variants_record(plan)
        self.__dict__.pop("_wv_lock", None)  # the document PDM holds was edited in place
        self._variants_warn_unrouted(plan)
        super().write_lockfile(*args, **kwargs)

    def _variants_warn_unrouted(self, plan: VariantPlan | None) -> None:
        """A catalog package that only arrives as a dependency is not known before resolution,
        so this lock took it from the ordinary sources: say so (the next lock routes it)."""
        from .lock.table import unrouted_catalog_packages

        for name in unrouted_catalog_packages(_locked_names(toml_for_write(self.lockfile)), plan):
            self.core.ui.warn(
                f"wheel-variants: {name} came in as a dependency and was locked from the ordinary sources; "
                "run `pdm lock` again to route it to its variant's index"
            )

    def _variants_lock_file_used(self) -> bool:
        """Whether the lock file on disk (the lock before this write) holds the plugin's tables;
        PDM has dropped them from the document it is about to write. A substring test: plain
        projects pay no TOML parse for it."""
        from ._pdm.lockfile import lockfile_path
        from .lock.table import KEY

        path = lockfile_path(self.lockfile)
        return path.exists() and KEY in path.read_text(encoding="utf-8")

    def _variants_record(self, plan: VariantPlan | None) -> None:
        """Write the plugin's tables into the lock document PDM is about to write."""
        from ._pdm.lockfile import lockfile_path
        from .lock.document import LockDocument
        from .lock.writer import write_variant_tables

        with self._variants_lock_errors():
            previous = LockDocument.read(lockfile_path(self.lockfile))
        document = toml_for_write(self.lockfile)
        # The table may be text in the document (see write_variant_tables): variants_lock reads it from here.
        self.__dict__["_wv_written"] = (document, write_variant_tables(self, document, previous, plan))

    def is_lockfile_fresh(self) -> bool:
        fresh: bool = super().is_lockfile_fresh()
        return fresh and self._variants_lock_complete()

    def _variants_lock_complete(self) -> bool:
        plan = self.variants_plan()
        if plan is None:
            return True
        from .lock.table import missing_variants

        problems = missing_variants(self.variants_lock(), plan)
        from rich.markup import escape

        for problem in problems:
            self.core.ui.warn(escape(f"wheel-variants: {problem}"))
        return not problems

    def get_resolver(self, allow_uv: bool = True) -> type[Resolver]:
        if allow_uv:
            self._variants_refuse_uv()
        resolver: type[Resolver] = super().get_resolver(allow_uv)
        return resolver

    def get_synchronizer(self, quiet: bool = False, allow_uv: bool = True) -> type[BaseSynchronizer]:
        if allow_uv:
            self._variants_refuse_uv()
        synchronizer: type[BaseSynchronizer] = super().get_synchronizer(quiet, allow_uv)
        if self.variants_plan() is None and not self._variants_lock_used():
            return synchronizer
        from .install.synchronizer import make_synchronizer_class

        return make_synchronizer_class(synchronizer)

    def _variants_refuse_uv(self) -> None:
        if self.config.get("use_uv") and self.variants_plan() is not None:
            from pdm.exceptions import PdmUsageError

            names = ", ".join(sorted(self.variants_plan().names))  # type: ignore[union-attr]
            raise PdmUsageError(
                f"wheel-variants: use_uv = true bypasses per-package index routing, so {names} could get "
                "the wrong build; run `pdm config use_uv false` (or unset it) to use variant selection"
            )

    def get_environment(self) -> BaseEnvironment:
        from ._pdm.finder import wrap_get_finder

        environment: BaseEnvironment = super().get_environment()
        wrap_get_finder(environment, self._variants_adapt_finder)
        plan = self.variants_plan()
        if plan is not None:
            self._variants_apply_build_settings(plan)
        return environment

    def _variants_adapt_finder(self, finder: Any) -> Any:
        """Every finder PDM makes learns PEP 825 wheels (imported when PDM first makes one)."""
        from .find.finder import adapt_finder

        return adapt_finder(finder, self.variant_wheels())

    def _variants_apply_build_settings(self, plan: VariantPlan) -> None:
        for name, value in plan.build_env().items():
            current = os.environ.get(name)
            if current is None:
                os.environ[name] = value
            elif current != value:
                self.core.ui.warn(
                    f"wheel-variants: keeping {name}={current!r} from the environment (variant wants {value!r})"
                )
        state = self.core.state.config_settings
        settings = plan.build_config_settings()
        if settings:
            if state is None:
                self.core.state.config_settings = dict(settings)
            else:
                for key, value in settings.items():
                    state.setdefault(key, value)

    def make_wheel_cache(self) -> WheelCache:
        plan = self.variants_plan()
        if plan is None:
            cache: WheelCache = super().make_wheel_cache()
            return cache
        from .cache.wheels import variant_wheel_cache

        return variant_wheel_cache(self, plan)

    @property
    def package_cache(self) -> PackageCache:
        if self.variants_plan() is None:
            packages: PackageCache = super().package_cache
            return packages
        from .cache.packages import content_package_cache

        return content_package_cache(self)

    def make_candidate_info_cache(self) -> CandidateInfoCache:
        info: CandidateInfoCache = super().make_candidate_info_cache()
        if self.variants_plan() is None:
            return info
        from ._pdm.candidates import link_keyed_info_cache

        return link_keyed_info_cache(info)  # type: ignore[no-any-return]


def make_project_class(base: type[Project]) -> type[Project]:
    """Subclass *base* (whatever ``core.project_class`` is now), so other plugins still chain."""
    if lock_freshness_hook(base) == "is_lockfile_hash_match":  # PDM < 2.28.1
        return variant_subclass(base, VariantsProject, HashMatchFreshness)
    return variant_subclass(base, VariantsProject)


class HashMatchFreshness:
    """PDM < 2.28.1 asks ``is_lockfile_hash_match`` where later releases ask ``is_lockfile_fresh``."""

    def is_lockfile_hash_match(self) -> bool:
        matched: bool = super().is_lockfile_hash_match()  # type: ignore[misc]
        return matched and self._variants_lock_complete()  # type: ignore[attr-defined,no-any-return]


def _catalog_mentions(names: set[str]) -> bool:
    """Whether any of *names* is a catalog package (cheap: no validation of the catalog)."""
    if not names:
        return False
    from wheel_variants.catalog import catalog_document
    from wheel_variants.names import normalize_name

    catalog = {normalize_name(name) for name in catalog_document().get("packages", {})}
    return bool(catalog & names)
