"""Cache keys for everything a variant changes: built wheels, unpacked wheels, dependency metadata.

Pure: every input is an argument, every key a hash of canonical JSON (sorted keys, no spaces)
holding everything the cached artifact depends on. The stores that use the keys live with the
host adapters (``pdm_variants.cache.wheels``).

Why each key looks the way it does (each one fixes a stale-cache bug of pip and PDM):

* a wheel built from an sdist depends on the sdist (URL and hash), the target interpreter, the
  variant label, the effective PEP 517 config settings and the build environment
  (``CMAKE_ARGS`` and friends): :class:`BuildKey` plus :func:`build_entry_digest`;
* an unpacked wheel depends on its bytes, not its file name (per-backend indexes serve the same
  name with different contents): :func:`content_key`;
* dependency metadata depends on the file it was read from, not on name and version (two
  indexes may serve the same version with different dependencies): :func:`metadata_key`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "BUILD_ENV_NAMES",
    "BUILD_ENV_PREFIXES",
    "BuildKey",
    "build_entry_digest",
    "build_environment",
    "canonical_json",
    "content_key",
    "metadata_key",
    "normalize_config_settings",
]

#: Environment variables that change what common native build backends produce
#: (scikit-build-core, setuptools, meson-python, maturin read them). Always part of a build key.
BUILD_ENV_NAMES: tuple[str, ...] = (
    "CMAKE_ARGS",
    "FORCE_CMAKE",
    "CMAKE_GENERATOR",
    "CFLAGS",
    "CXXFLAGS",
    "CPPFLAGS",
    "LDFLAGS",
    "CUDAFLAGS",
    "CUDA_HOME",
    "CUDACXX",
    "ROCM_PATH",
    "MACOSX_DEPLOYMENT_TARGET",
)
#: Prefixes of environment variables that configure a build backend directly.
BUILD_ENV_PREFIXES: tuple[str, ...] = ("SKBUILD_",)

ConfigValue = str | tuple[str, ...]


def canonical_json(data: Any) -> str:
    """The one JSON spelling keys are hashed from: sorted keys, no spaces, ASCII only."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)


def _digest(data: Any, length: int = 32) -> str:
    return hashlib.sha256(canonical_json(data).encode("ascii")).hexdigest()[:length]


def build_environment(environ: Mapping[str, str], declared: Iterable[str] = ()) -> tuple[tuple[str, str], ...]:
    """The build-relevant variables of *environ* that are set: :data:`BUILD_ENV_NAMES`, every
    name in *declared* (the variants' ``build.env`` keys) and every :data:`BUILD_ENV_PREFIXES` name."""
    names = set(BUILD_ENV_NAMES) | set(declared)
    names |= {name for name in environ if name.startswith(BUILD_ENV_PREFIXES)}
    return tuple(sorted((name, environ[name]) for name in names if name in environ))


def normalize_config_settings(settings: Mapping[str, object] | None) -> tuple[tuple[str, ConfigValue], ...]:
    """PEP 517 config settings as sorted pairs; a repeated ``-C key=...`` (a list) keeps its order."""
    pairs: list[tuple[str, ConfigValue]] = []
    for key, value in (settings or {}).items():
        if isinstance(value, (list, tuple)):
            pairs.append((str(key), tuple(str(item) for item in value)))
        else:
            pairs.append((str(key), str(value)))
    return tuple(sorted(pairs))


@dataclass(frozen=True, slots=True, kw_only=True)
class BuildKey:
    """Everything about *how* a package is built, apart from its source: one per package and run."""

    package: str
    label: str | None = None
    env: tuple[tuple[str, str], ...] = ()
    config_settings: tuple[tuple[str, ConfigValue], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "package": self.package,
            "label": self.label,
            "env": dict(self.env),
            "config-settings": {
                key: list(value) if isinstance(value, tuple) else value for key, value in self.config_settings
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> BuildKey:
        label = data.get("label")
        return cls(
            package=str(data["package"]),
            label=str(label) if label is not None else None,
            env=tuple(sorted((str(k), str(v)) for k, v in dict(data.get("env", {})).items())),
            config_settings=normalize_config_settings(data.get("config-settings", {})),
        )

    @property
    def digest(self) -> str:
        return _digest(self.to_dict(), 16)


def build_entry_digest(key: BuildKey, source: Mapping[str, Any]) -> str:
    """The cache entry of one build: *key* plus the *source* (sdist URL, its hash, subdirectory,
    target interpreter): a different digest for anything that could change the wheel."""
    return _digest({"build": key.to_dict(), "source": dict(source)})


def content_key(sha256_hex: str) -> tuple[str, str]:
    """Two path parts for content-addressed storage of a file with this SHA-256."""
    digest = sha256_hex.lower()
    if len(digest) != 64 or any(ch not in "0123456789abcdef" for ch in digest):
        raise ValueError(f"expected a hex SHA-256 digest, got {sha256_hex!r}")
    return digest[:2], digest[2:32]


def metadata_key(base: str, url: str | None, file_hash: str | None = None) -> str:
    """Key of a candidate's dependency metadata: the host's *base* key (name, extras, version)
    plus the file it came from (URL and hash), so two indexes never answer for each other."""
    if url is None:
        return base
    return f"{base}@{_digest({'url': url, 'hash': file_hash}, 16)}"
