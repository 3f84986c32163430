"""A per-backend mirror for ``convert`` tests and its benchmark: one index per label on 127.0.0.1,
each serving the *same* file names with different contents (the module's ``BACKEND`` says which),
and a project whose ``[tool.wheel-variants.packages]`` table points at it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from indexserver import IndexServer
from wheelmaker import make_wheel

__all__ = ["CUDA_LABELS", "mirror_project", "publish_backends"]

#: label -> properties; the label without properties is the fallback.
CUDA_LABELS: Mapping[str, Sequence[str]] = {
    "cpu": (),
    "cu126": ("nvidia :: cuda_version_lower_bound :: 12.6",),
    "cu128": ("nvidia :: cuda_version_lower_bound :: 12.8",),
}


def publish_backends(
    server: IndexServer,
    build_dir: Path,
    name: str,
    labels: Sequence[str],
    *,
    versions: Sequence[str] = ("1.0",),
    tags: Sequence[str] = ("py3-none-any",),
) -> list[Path]:
    """One wheel per label, version and tag under ``whl/<label>/<name>/``."""
    module = name.replace("-", "_")
    placed = []
    for label in labels:
        for version in versions:
            for tag in tags:
                wheel = make_wheel(
                    build_dir / label / tag,
                    name,
                    version,
                    tag=tag,
                    files={f"{module}/__init__.py": f'BACKEND = "{label}"\nVERSION = "{version}"\n'},
                )
                placed += server.add(f"whl/{label}", wheel)
    return placed


def mirror_project(
    directory: Path, server: IndexServer, name: str, labels: Mapping[str, Sequence[str]], *, extra: str = ""
) -> Path:
    """A ``pyproject.toml`` declaring *name*'s index variants on *server*; returns its folder."""
    directory.mkdir(parents=True, exist_ok=True)
    text = f"[tool.wheel-variants.packages.{name}]\n\n"
    for label, properties in labels.items():
        listed = ", ".join(f'"{p}"' for p in properties)
        text += (
            f"[tool.wheel-variants.packages.{name}.variants.{label}]\n"
            f'index = "{server.index_url("whl/" + label)}"\nproperties = [{listed}]\n\n'
        )
    (directory / "pyproject.toml").write_text(text + extra, encoding="utf-8")
    return directory
