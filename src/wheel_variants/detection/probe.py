"""The one choke point for "what does this machine support?": :func:`detect`.

It combines, in this precedence (highest first; see ``targets.py``): ``WHEEL_VARIANTS_PROPERTIES``,
a target (``WHEEL_VARIANTS_TARGET`` / *target*), the built-in probes (with the vendor override
variables), static properties and trusted third-party plugins of the providers a package
declares. Built-in namespaces never run a plugin. Results are memoised per process, and the live
machine's probe answer is cached on disk (``cache.py``) unless ``use_cache=False``.
"""

from __future__ import annotations

import importlib
import os

from ..system import SystemRoot
from . import PROBE_ENV
from .answer import Detection, NamespaceAnswer

TYPE_CHECKING = False
if TYPE_CHECKING:  # `wheel-variants detect` imports only what probing needs
    from collections.abc import Iterable, Mapping, Sequence

    from ..metadata import ProviderInfo
    from ..providers._result import ProbeResult

__all__ = ["BUILTIN_NAMESPACES", "clear_memo", "detect", "probe_builtin"]

#: Namespaces answered in-process, in the order they are probed and reported.
BUILTIN_NAMESPACES: tuple[str, ...] = ("nvidia", "amd", "intel", "x86_64", "aarch64", "apple")

_memo: dict[tuple[object, ...], Detection] = {}


def clear_memo() -> None:
    """Forget per-process results (the on-disk cache is untouched)."""
    _memo.clear()


def probe_builtin(system: SystemRoot) -> Detection:
    """Run every built-in probe against *system*; no overrides, no caches."""
    results: list[ProbeResult] = []
    for namespace in BUILTIN_NAMESPACES:
        module = importlib.import_module(f"..providers.{namespace}", __package__)
        results.append(module.probe(system))
    return Detection(
        answers=tuple(
            NamespaceAnswer(namespace=r.namespace, source=r.source, features=r.features) for r in results if r.features
        ),
        warnings=tuple(warning for r in results for warning in r.warnings),
    )


def _hardware(system: SystemRoot, use_cache: bool) -> Detection:
    if not (use_cache and system.live):
        return probe_builtin(system)
    from .. import __version__
    from ..jsonload import load_json
    from . import cache

    directory = cache.cache_dir(system.environ)
    key = cache.cache_key(system.environ, __version__)
    text = cache.read_cached(directory, key)
    if text is not None:
        try:
            return Detection.from_dict(load_json(text, "detect cache"), source="cache")
        except ValueError:
            pass  # a damaged cache entry is replaced below
    detection = probe_builtin(system)
    cache.write_cached(directory, key, detection.to_json())
    return detection


def detect(
    root: str | os.PathLike[str] | None = None,
    *,
    environ: Mapping[str, str] | None = None,
    target: str | None = None,
    providers: Iterable[tuple[str, ProviderInfo]] = (),
    trusted: Iterable[str] | None = None,
    use_cache: bool = True,
    system: SystemRoot | None = None,
) -> Detection:
    """What this machine (or the captured tree *root*, or *target*) supports.

    *providers* are the ``(namespace, ProviderInfo)`` pairs of a package's metadata: static ones
    are answered from their table, third-party ones only when *trusted* (default: from
    ``[tool.wheel-variants]`` and ``WHEEL_VARIANTS_TRUSTED_PROVIDERS``) and otherwise listed in
    :attr:`Detection.unsupported` with the reason. Never raises for missing or broken hardware;
    raises :class:`~wheel_variants.errors.VariantsError` for a bad override or target.
    """
    from .targets import PROPERTIES_ENV, TARGET_ENV, load_target, properties_override

    memoise = system is None  # a caller-built system may carry fake doors: never memoise it
    if system is None:
        system = SystemRoot(root if root is not None else "/", environ=environ)
    env = system.environ
    provider_list = tuple(providers)
    target = target or env.get(TARGET_ENV) or None
    trusted_key = None if trusted is None else frozenset(trusted)
    key = (
        system.root,
        target,
        env.get(PROPERTIES_ENV),
        tuple((name, env.get(name)) for name in _MEMO_ENV),
        provider_list,
        trusted_key,
        use_cache,
    )
    cached = _memo.get(key) if memoise else None
    if cached is not None:
        return cached

    base = load_target(target) if target else _hardware(system, use_cache)
    detection = _with_providers(base, provider_list, system, trusted_key, target is not None)
    override = properties_override(env)
    if override:
        detection = detection.replacing(override)
    if memoise:
        _memo[key] = detection
    return detection


# What the memo depends on besides the arguments: the probes' variables and which plugins may run
# (trust.TRUST_ENV, spelled out because trust.py imports the metadata model).
_MEMO_ENV = (*PROBE_ENV, "WHEEL_VARIANTS_TRUSTED_PROVIDERS")


def _with_providers(
    base: Detection,
    providers: Sequence[tuple[str, ProviderInfo]],
    system: SystemRoot,
    trusted: frozenset[str] | None,
    from_target: bool,
) -> Detection:
    answers: list[NamespaceAnswer] = []
    unsupported: list[tuple[str, str]] = []
    warnings: list[str] = []
    for namespace, info in providers:
        if namespace in BUILTIN_NAMESPACES or base.answer(namespace) is not None:
            continue  # answered in-process (or by the target); never run a plugin for it
        if info.builtin is not None:
            # A provider built into some installer, which this tool does not implement.
            unsupported.append((namespace, f"built-in provider {info.builtin!r} is not implemented here"))
            continue
        if info.is_static:
            from ..providers.static import static_answer

            result = static_answer(namespace, info)
        elif from_target:
            unsupported.append((namespace, "not in the selected target"))
            continue
        else:
            reason = _untrusted(namespace, info, system, trusted)
            if reason is not None:
                unsupported.append((namespace, reason))
                continue
            from ..providers.external import DEFAULT_TIMEOUT, run_plugin

            timeout = float(system.environ.get("WHEEL_VARIANTS_PLUGIN_TIMEOUT", DEFAULT_TIMEOUT))
            from ..trust import plugin_api

            result = run_plugin(namespace, plugin_api(info), system, timeout=timeout)
        warnings.extend(result.warnings)
        if result.features:
            answers.append(NamespaceAnswer(namespace=namespace, source=result.source, features=result.features))
        else:
            unsupported.append((namespace, f"provider answered nothing for namespace {namespace!r}"))
    if not (answers or unsupported or warnings):
        return base
    return base.replacing(answers, unsupported=unsupported, warnings=warnings)


def _untrusted(namespace: str, info: ProviderInfo, system: SystemRoot, trusted: frozenset[str] | None) -> str | None:
    from ..trust import trusted_names, untrusted_reason

    if trusted is None:
        from ..config import find_pyproject, read_config

        configured = read_config(find_pyproject()).trusted_providers
        trusted = trusted_names(configured, system.environ)
    else:
        trusted = trusted_names(trusted, system.environ)
    return untrusted_reason(namespace, info, trusted)
