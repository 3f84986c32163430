"""Namespace ``amd``: ``gfx_arch`` (multi-value, e.g. ``gfx942``) and ``rocm_version`` (``6.4``).

Probe chain: ``AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH`` (comma/space separated) and
``AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION`` first; then the KFD topology in sysfs
(``/sys/class/kfd/kfd/topology/nodes/*/properties``, ``gfx_target_version``); on the live machine,
when KFD names no target (kernels before 2019 have no ``gfx_target_version``),
``rocm_agent_enumerator`` with a 2-second timeout. The ROCm version comes from
``/opt/rocm/.info/version`` (or ``$ROCM_PATH/.info/version``). ``rocm_version`` is only reported
together with a GPU: ROCm installed on a machine without an AMD GPU supports nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..supported import SupportedFeature
from ..system import SystemRoot
from ._result import ProbeResult, make_features
from .amd_parse import gfx_name, parse_kfd_properties, parse_rocm_agent_enumerator, parse_rocm_version

__all__ = ["FORCE_GFX", "FORCE_ROCM", "KFD_NODES", "NAMESPACE", "features_for", "probe"]

NAMESPACE = "amd"
FORCE_GFX = "AMD_VARIANT_PROVIDER_FORCE_GFX_ARCH"
FORCE_ROCM = "AMD_VARIANT_PROVIDER_FORCE_ROCM_VERSION"
KFD_NODES = "/sys/class/kfd/kfd/topology/nodes"


def gfx_from_kfd(system: SystemRoot, warnings: list[str]) -> list[str]:
    found: list[str] = []
    for node in system.listdir(KFD_NODES):
        path = f"{KFD_NODES}/{node}/properties"
        text = system.read_text(path)
        if text is None:
            continue
        properties = parse_kfd_properties(text)
        if properties.get("simd_count", 0) <= 0:
            continue  # a CPU node
        if "gfx_target_version" not in properties:
            warnings.append(f"amd: {path} has no gfx_target_version (kernel too old); set {FORCE_GFX}")
            continue
        name = gfx_name(properties["gfx_target_version"])
        if name is None:
            if properties["gfx_target_version"] != 0:
                warnings.append(f"amd: {path}: unexpected gfx_target_version {properties['gfx_target_version']}")
            continue
        if name not in found:
            found.append(name)
    return found


def gfx_from_enumerator(system: SystemRoot, warnings: list[str]) -> list[str]:
    rocm = system.environ.get("ROCM_PATH", "/opt/rocm")
    command = f"{rocm}/bin/rocm_agent_enumerator"
    if not system.can_run_commands or not system.exists(command):
        return []
    result = system.run([command], 2.0)
    if not result.ok:
        warnings.append(f"amd: {command} failed: {result.error or result.stderr.strip()[:120] or result.returncode}")
        return []
    return list(dict.fromkeys(parse_rocm_agent_enumerator(result.stdout)))


def rocm_version(system: SystemRoot, warnings: list[str]) -> tuple[tuple[int, int] | None, str]:
    forced = system.environ.get(FORCE_ROCM, "").strip()
    if forced:
        version = parse_rocm_version(forced)
        if version is None:
            warnings.append(f"amd: ignoring {FORCE_ROCM}={forced!r}: expected MAJOR.MINOR[.PATCH]")
        return version, FORCE_ROCM
    rocm = system.environ.get("ROCM_PATH", "/opt/rocm")
    path = f"{rocm}/.info/version"
    text = system.read_text(path)
    if text is None:
        return None, ""
    version = parse_rocm_version(text)
    if version is None:
        # Name the file, never its content: under --root it may be a symlink to any file.
        warnings.append(f"amd: {path} does not hold a ROCm version ({len(text)} characters, not shown)")
    return version, path


def features_for(gfx: Sequence[str], rocm: tuple[int, int] | None) -> tuple[SupportedFeature, ...]:
    """The ``amd`` answer for GPU targets (best first) and a ROCm version; nothing without a GPU.

    Raises ``ValueError`` for a target name that breaks the property grammar.
    """
    if not gfx:
        return ()
    items: list[tuple[str, Sequence[str]]] = [("gfx_arch", gfx)]
    if rocm is not None:
        items.append(("rocm_version", [f"{rocm[0]}.{rocm[1]}"]))
    return make_features(NAMESPACE, items, multi_value=("gfx_arch",))


def probe(system: SystemRoot) -> ProbeResult:
    warnings: list[str] = []
    sources: list[str] = []
    forced = system.environ.get(FORCE_GFX, "")
    if forced.strip():
        gfx = [word for word in forced.replace(",", " ").replace(";", " ").split() if word]
        sources.append(FORCE_GFX)
    else:
        gfx = gfx_from_kfd(system, warnings)
        if gfx:
            sources.append("sysfs kfd topology")
        else:
            gfx = gfx_from_enumerator(system, warnings)
            if gfx:
                sources.append("rocm_agent_enumerator")
    if not gfx:
        return ProbeResult.empty(NAMESPACE, warnings)
    version, version_source = rocm_version(system, warnings)
    if version is not None:
        sources.append(version_source)
    try:
        features = features_for(gfx, version)
    except ValueError as error:  # a forced value that breaks the property grammar
        return ProbeResult.empty(NAMESPACE, [*warnings, f"amd: {error}"])
    return ProbeResult(namespace=NAMESPACE, source=" + ".join(sources), features=features, warnings=tuple(warnings))
