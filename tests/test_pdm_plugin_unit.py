"""The PDM plugin's pure parts and its pinned PDM seams (fast; no subprocess)."""

from __future__ import annotations

from pathlib import Path

import pytest

pdm = pytest.importorskip("pdm")

# PDM itself uses importlib.resources.open_binary (deprecated) when its CLI modules load.
pytestmark = pytest.mark.filterwarnings("ignore:open_binary is deprecated:DeprecationWarning")

from pdm_variants import plugin  # noqa: E402
from pdm_variants._pdm import seams, sources  # noqa: E402
from pdm_variants.lock.document import LockDocument  # noqa: E402
from pdm_variants.lock.table import lock_variants_table, missing_variants  # noqa: E402
from pdm_variants.plan import direct_dependency_names, make_plan, managed_packages  # noqa: E402
from wheel_variants.catalog import load_packages  # noqa: E402
from wheel_variants.distinfo import add_to_record  # noqa: E402
from wheel_variants.supported import SupportedProperties  # noqa: E402

CUDA = SupportedProperties.from_dict({"nvidia": {"cuda_version_lower_bound": ["12.4", "12.3"]}})
LINUX = {"sys_platform": "linux", "platform_machine": "x86_64"}


def _plan(supported: SupportedProperties = CUDA):  # type: ignore[no-untyped-def]
    config = load_packages(None, {"WHEEL_VARIANTS_INDEX_BASE_LLAMA_CPP": "http://i/llama"})
    return make_plan(managed_packages(config, {"llama-cpp-python"}, ()), supported, LINUX)


def _lock(*hashes: str) -> dict:
    files = [{"file": "llama_cpp_python-1-py3-none-any.whl", "hash": h} for h in hashes]
    return {"metadata": {}, "package": [{"name": "llama-cpp-python", "version": "1", "files": files}]}


def test_supported_pdm_versions() -> None:
    from pdm.__version__ import __version__

    assert seams.check_pdm_version(__version__) is None
    assert seams.check_pdm_version("2.26.0") is None
    assert "not supported" in (seams.check_pdm_version("2.30.1") or "")
    assert "not supported" in (seams.check_pdm_version("2.25.9") or "")


def test_routes_are_pdm_sources() -> None:
    source = sources.make_source("wv", "http://i/llama/cu124", ["llama-cpp-python"])
    assert (source.name, source.url, source.include_packages) == ("wv", "http://i/llama/cu124", ["llama-cpp-python"])
    from pdm._types import RepositoryConfig
    from pdm.utils import filtered_sources

    other = RepositoryConfig(config_prefix="pypi", name="pypi", url="http://i/simple")
    assert filtered_sources([other, source], "llama_cpp_python") == [source]
    assert filtered_sources([other, source], "numpy") == [other]


def test_plugin_is_idempotent_and_chains() -> None:
    from pdm.core import Core

    core = Core()
    base = core.project_class
    plugin(core)
    first = core.project_class, core.install_manager_class
    plugin(core)
    assert (core.project_class, core.install_manager_class) == first
    assert issubclass(core.project_class, base)
    assert hasattr(core.project_class, "variants_plan")


def test_managed_packages_only_when_declared_or_configured() -> None:
    config = load_packages(None, {})
    assert managed_packages(config, {"numpy"}, ()) == ()
    assert [p.name for p in managed_packages(config, (), {"torch"})] == ["torch"]
    names = direct_dependency_names(
        {
            "project": {"dependencies": ["Llama_CPP.python>=0.3 ; sys_platform != 'win32'"]},
            "dependency-groups": {"dev": ["torch"]},
        }
    )
    assert names == {"llama-cpp-python", "torch"}


def test_lock_table_records_and_keeps_labels() -> None:
    plan = _plan()
    table = lock_variants_table(LockDocument.from_data(_lock("sha256:a")), LockDocument(), plan)
    assert table is not None
    variant = table["packages"]["llama-cpp-python"]["variants"]["cu124"]
    assert variant == {
        "index": "http://i/llama/cu124",
        "properties": ["nvidia :: cuda_version_lower_bound :: 12.4"],
        "marker": "platform_machine == 'x86_64' or platform_machine == 'AMD64'",
        "files": ["sha256:a"],
    }
    # a lock that also holds another machine's cpu file keeps that label for it
    previous = {
        "metadata": {
            "wheel-variants": {
                "packages": {
                    "llama-cpp-python": {"variants": {"cpu": {"index": "x", "files": ["sha256:b", "sha256:gone"]}}}
                }
            }
        }
    }
    merged = lock_variants_table(
        LockDocument.from_data(_lock("sha256:a", "sha256:b")), LockDocument.from_data(previous), plan
    )
    assert merged is not None
    variants = merged["packages"]["llama-cpp-python"]["variants"]
    assert variants["cpu"]["files"] == ["sha256:b"]
    assert variants["cu124"]["files"] == ["sha256:a"]
    document = LockDocument.from_data({**_lock("sha256:a", "sha256:b"), "metadata": {"wheel-variants": merged}})
    assert document.variant_files("llama_cpp_python", "cpu") == {"sha256:b"}
    assert missing_variants(document, plan) == []
    assert missing_variants(document, _plan(SupportedProperties())) == []
    only_cpu = LockDocument.from_data(
        {**_lock("sha256:b"), "metadata": {"wheel-variants": previous["metadata"]["wheel-variants"]}}
    )
    assert missing_variants(only_cpu, plan) == [
        "llama-cpp-python: this machine selects variant 'cu124', the lock has cpu"
    ]


def test_add_to_record(tmp_path: Path) -> None:
    dist_info = tmp_path / "demo-1.dist-info"
    dist_info.mkdir()
    (dist_info / "RECORD").write_text("demo/__init__.py,sha256=x,1\ndemo-1.dist-info/RECORD,,\n")
    add_to_record(dist_info, "wheel-variant.json", b"{}\n")
    add_to_record(dist_info, "wheel-variant.json", b"{}\n")
    lines = (dist_info / "RECORD").read_text().splitlines()
    assert sum("wheel-variant.json" in line for line in lines) == 1
    assert (dist_info / "wheel-variant.json").read_bytes() == b"{}\n"
