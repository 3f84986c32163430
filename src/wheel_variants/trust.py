"""Which third-party variant providers may run: only those the user trusts by name.

A provider is trusted when every distribution in its ``requires`` is named in
``[tool.wheel-variants] trusted-providers`` or in ``WHEEL_VARIANTS_TRUSTED_PROVIDERS``
(comma or space separated), and its ``plugin-api`` imports from one of those distributions.
Trust goes by *distribution*, not namespace: metadata anyone can publish chooses the namespace,
so trusting "nvidia" must not let an unknown package run under that name. We never install a
provider; a trusted one must already be installed in the environment that runs it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .metadata import ProviderInfo

__all__ = ["TRUST_ENV", "normalize", "plugin_api", "trusted_names", "untrusted_reason"]

TRUST_ENV = "WHEEL_VARIANTS_TRUSTED_PROVIDERS"


def normalize(name: str) -> str:
    """PEP 503 normalisation: ``My_Provider.X`` -> ``my-provider-x``."""
    out = []
    previous_dash = False
    for char in name.strip().lower():
        if char in "-_.":
            if not previous_dash:
                out.append("-")
            previous_dash = True
        else:
            out.append(char)
            previous_dash = False
    return "".join(out)


def trusted_names(configured: Iterable[str], environ: Mapping[str, str]) -> frozenset[str]:
    extra = environ.get(TRUST_ENV, "").replace(",", " ").split()
    return frozenset(normalize(name) for name in (*configured, *extra) if name.strip())


def _requirement_name(requirement: str) -> str | None:
    from packaging.requirements import InvalidRequirement, Requirement

    try:
        return normalize(Requirement(requirement).name)
    except InvalidRequirement:
        return None


def plugin_api(info: ProviderInfo) -> str:
    """The ``plugin-api`` to run: the declared one, else the first requirement's import name."""
    if info.plugin_api:
        return info.plugin_api
    name = _requirement_name(info.requires[0]) if info.requires else None
    return (name or "").replace("-", "_")


def untrusted_reason(namespace: str, info: ProviderInfo, trusted: frozenset[str]) -> str | None:
    """None when the provider may run; otherwise why not and how to trust it."""
    if not info.requires:
        return f"provider for namespace {namespace!r} names no package in 'requires'; nothing to run"
    names = [_requirement_name(requirement) for requirement in info.requires]
    if any(name is None for name in names):
        return f"provider for namespace {namespace!r} has an invalid requirement in {list(info.requires)!r}"
    missing = [name for name in names if name is not None and name not in trusted]
    if missing:
        listed = ", ".join(repr(name) for name in missing)
        return (
            f"provider {listed} for namespace {namespace!r} is not trusted; trust it with "
            f"[tool.wheel-variants] trusted-providers = [{listed}] or {TRUST_ENV}={','.join(missing)} "
            "(it runs third-party code)"
        )
    module = plugin_api(info).split(":", 1)[0].strip().split(".", 1)[0]
    import_names = {name.replace("-", "_") for name in names if name is not None}
    if module.replace("-", "_") not in import_names:
        return (
            f"provider for namespace {namespace!r}: plugin-api {info.plugin_api!r} does not import "
            f"from the trusted package(s) {sorted(import_names)}; refusing to run it"
        )
    return None
