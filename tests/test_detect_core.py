"""detect(): combining probes, targets, overrides, static and third-party providers; the cache."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from hardware_trees import capture, make_tree
from wheel_variants.config import ConfigError, parse_config
from wheel_variants.detection import Detection, cache, detect
from wheel_variants.detection.targets import PROPERTIES_ENV, parse_properties_override
from wheel_variants.errors import VariantsError
from wheel_variants.metadata import ProviderInfo
from wheel_variants.system import SystemRoot
from wheel_variants.trust import TRUST_ENV, untrusted_reason


@pytest.fixture
def h100_root(tmp_path: Path) -> Path:
    """An x86-64 v3 host with an NVIDIA 565.57.01 kernel module (no NVML under --root)."""
    return make_tree(tmp_path / "root", {
        "/proc/cpuinfo": capture("x86_64-cpuinfo/archspec-linux-rhel7-haswell.cpuinfo"),
        "/proc/driver/nvidia/version": capture(
            "nvidia/nixGL-issue186-565.57.01-open-ubuntu24.04.proc-driver-nvidia-version"),
    })  # fmt: skip


def test_root_tree_combines_namespaces_with_sources(h100_root: Path) -> None:
    detection = detect(h100_root, environ={})
    assert detection.namespaces == ("nvidia", "x86_64")
    assert detection.source("x86_64") == "/proc/cpuinfo"
    assert detection.source("nvidia") == "/proc/driver/nvidia/version (driver 565.57.01)"
    # PROVENANCE: 565.57.01 -> Table 3 max toolkit CUDA 12.6 (nvidia-smi would say 12.7).
    assert detection.supported.values_for("nvidia", "cuda_version_lower_bound")[0] == "12.6"
    assert detection.supported.values_for("x86_64", "level") == ("v3", "v2", "v1")
    assert any("sm_arch omitted" in w for w in detection.warnings)


def test_json_round_trip_is_stable(h100_root: Path) -> None:
    detection = detect(h100_root, environ={})
    document = json.loads(detection.to_json())
    assert list(document) == ["version", "namespaces", "unsupported", "warnings"]
    assert document["namespaces"]["x86_64"]["features"]["level"] == ["v3", "v2", "v1"]
    again = Detection.from_dict(document)
    assert again.to_dict() == document
    assert again.supported == detection.supported


def test_properties_env_replaces_only_named_namespaces(h100_root: Path) -> None:
    env = {PROPERTIES_ENV: "nvidia :: sm_arch :: 90_real; nvidia :: sm_arch :: 90_virtual"}
    detection = detect(h100_root, environ=env)
    assert detection.supported.values_for("nvidia", "sm_arch") == ("90_real", "90_virtual")
    assert detection.supported.values_for("nvidia", "cuda_version_lower_bound") == ()
    assert detection.source("nvidia") == PROPERTIES_ENV
    assert detection.source("x86_64") == "/proc/cpuinfo"


def test_bad_properties_env_says_where() -> None:
    with pytest.raises(VariantsError, match=r"in 'WHEEL_VARIANTS_PROPERTIES\[1\]'"):
        parse_properties_override("x86_64 :: level :: v3; nvidia :: SM :: 90")


def test_target_file_replaces_detection_entirely(h100_root: Path, tmp_path: Path) -> None:
    target = tmp_path / "cuda12.json"
    target.write_text(json.dumps({"nvidia": {"cuda_version_lower_bound": ["12.4", "12.0"]}}))
    detection = detect(h100_root, environ={"WHEEL_VARIANTS_TARGET": str(target)})
    assert detection.namespaces == ("nvidia",)
    assert detection.supported.values_for("nvidia", "cuda_version_lower_bound") == ("12.4", "12.0")
    assert detection.source("nvidia") == f"target {target}"


def test_named_target_from_pyproject(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text(
        textwrap.dedent("""
        [tool.wheel-variants.targets.cuda12]
        nvidia = { cuda_version_lower_bound = ["12.4"], sm_arch = ["90_real", "90_virtual"] }
        x86_64 = { level = ["v3", "v2", "v1"] }
    """)
    )
    monkeypatch.chdir(project)
    detection = detect(tmp_path / "empty-root", environ={"WHEEL_VARIANTS_TARGET": "cuda12"}, use_cache=False)
    assert detection.namespaces == ("nvidia", "x86_64")
    assert detection.source("x86_64") == "target cuda12"
    with pytest.raises(VariantsError, match=r"unknown target 'rocm'.*known targets: 'cuda12'"):
        detect(tmp_path / "empty-root", environ={"WHEEL_VARIANTS_TARGET": "rocm"})


def test_config_errors_are_located_and_collected() -> None:
    table = {
        "trusted-providers": "my-provider",
        "targets": {"cuda12": {"nvidia": {"sm_arch": "90_real"}}, "ci": {"file": ""}},
    }
    with pytest.raises(ConfigError) as caught:
        parse_config(table)
    message = str(caught.value)
    assert "[tool.wheel-variants] trusted-providers: expected a list of non-empty strings" in message
    assert "[tool.wheel-variants] targets.cuda12.nvidia: supported values in 'nvidia.sm_arch' must be a list" in message
    assert "[tool.wheel-variants] targets.ci.file: expected a path string" in message


def test_static_providers_answer_from_their_table(tmp_path: Path) -> None:
    info = ProviderInfo(static_properties=(("provider", ("openblas", "mkl")),))
    detection = detect(tmp_path, environ={}, providers=[("blas_lapack", info)])
    assert detection.supported.values_for("blas_lapack", "provider") == ("openblas", "mkl")
    assert detection.source("blas_lapack") == "static-properties"


def test_untrusted_plugin_never_runs_and_says_how_to_trust(tmp_path: Path) -> None:
    info = ProviderInfo(requires=("evil-provider>=1",), plugin_api="evil_provider:Plugin")
    detection = detect(tmp_path, environ={}, providers=[("evil", info)], trusted=[])
    reason = dict(detection.unsupported)["evil"]
    assert reason.startswith("provider 'evil-provider' for namespace 'evil' is not trusted")
    assert f"{TRUST_ENV}=evil-provider" in reason


def test_trust_is_by_package_not_namespace() -> None:
    info = ProviderInfo(requires=("other-pkg",), plugin_api="os:system")
    assert "not trusted" in (untrusted_reason("nvidia", info, frozenset({"nvidia"})) or "")
    sneaky = untrusted_reason("x", info, frozenset({"other-pkg"}))
    assert sneaky is not None and "does not import from the trusted package" in sneaky


def test_builtin_namespaces_never_run_plugins(tmp_path: Path) -> None:
    info = ProviderInfo(requires=("nvidia-variant-provider",), plugin_api="nvidia_variant_provider.plugin:X")
    detection = detect(tmp_path, environ={}, providers=[("nvidia", info)], trusted=["nvidia-variant-provider"])
    assert detection.unsupported == () and detection.warnings == ()


def test_a_builtin_provider_we_do_not_implement_is_unsupported(tmp_path: Path) -> None:
    tpu = ProviderInfo(builtin="tpu")
    nvidia = ProviderInfo(builtin="nvidia")
    detection = detect(tmp_path, environ={}, providers=[("tpu", tpu), ("nvidia", nvidia)], trusted=[])
    assert detection.unsupported == (("tpu", "built-in provider 'tpu' is not implemented here"),)


PLUGINS = {
    "good_provider": """
        class Config:
            def __init__(self, name, values, multi_value=False):
                self.name, self.values, self.multi_value = name, values, multi_value
        class Plugin:
            def get_supported_configs(self):
                return [Config("flavour", ["vanilla", "plain"]), Config("empty", [])]
    """,
    "crashing_provider": "raise RuntimeError('boom at import')\n",
    "garbage_provider": """
        class Plugin:
            def get_supported_configs(self):
                print("not json")
                return []
    """,
    "hanging_provider": "import time\ntime.sleep(30)\n",
}


@pytest.mark.parametrize(
    ("module", "expected"),
    [
        ("good_provider", None),
        ("crashing_provider", "failed (exit 1): RuntimeError: boom at import"),
        ("garbage_provider", "printed an invalid answer"),
        ("hanging_provider", "timed out after 1 s"),
    ],
)
def test_trusted_plugins_run_in_a_subprocess(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, module: str, expected: str | None
) -> None:
    (tmp_path / f"{module}.py").write_text(textwrap.dedent(PLUGINS[module]))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))
    package = module.replace("_", "-")
    info = ProviderInfo(requires=(package,), plugin_api=f"{module}:Plugin")
    # Files come from an empty tree (no real hardware); commands really run.
    system = SystemRoot(
        tmp_path / "root", environ={"WHEEL_VARIANTS_PLUGIN_TIMEOUT": "1"}, run_command=SystemRoot("/").run
    )
    detection = detect(providers=[("thirdparty", info)], trusted=[package], use_cache=False, system=system)
    if expected is None:
        assert detection.supported.values_for("thirdparty", "flavour") == ("vanilla", "plain")
        assert detection.supported.feature_rank("thirdparty", "empty") is None
        assert detection.source("thirdparty") == f"plugin {module}:Plugin"
    else:
        assert "thirdparty" in dict(detection.unsupported)
        warning = [w for w in detection.warnings if "thirdparty" in w]
        assert warning and expected in warning[0], detection.warnings


def test_disk_cache_hits_and_misses_on_fingerprint(tmp_path: Path) -> None:
    document = Detection().to_json()
    cache.write_cached(str(tmp_path), "key-a", document)
    assert cache.read_cached(str(tmp_path), "key-a") == document
    assert cache.read_cached(str(tmp_path), "key-b") is None  # driver/device/boot changed
    assert cache.read_cached(str(tmp_path / "missing"), "key-a") is None


def test_cache_key_covers_overrides_and_drivers() -> None:
    plain = cache.cache_key({}, "1")
    forced = cache.cache_key({"NV_VARIANT_PROVIDER_FORCE_SM_ARCH": "9.0"}, "1")
    assert plain != forced
    assert cache.cache_key({}, "2") != plain
    assert "\n" not in plain
    if sys.platform.startswith("linux"):
        assert "/" not in plain.split("|")[0]


def test_probe_env_lists_every_variable_the_probes_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """One list scopes both the disk cache and the memo: a forced value the list lacks would be
    served from an answer probed without it."""
    from wheel_variants.detection import PROBE_ENV, clear_memo
    from wheel_variants.providers import amd, intel, nvidia

    forced = {nvidia.FORCE_CUDA, nvidia.FORCE_SM, amd.FORCE_GFX, amd.FORCE_ROCM, intel.FORCE_DEVICE_IP, "ROCM_PATH"}
    assert set(PROBE_ENV) == forced
    for name in PROBE_ENV:
        assert cache.cache_key({name: "x"}, "1") != cache.cache_key({}, "1"), name
    monkeypatch.setenv(nvidia.FORCE_CUDA, "12.8")
    clear_memo()
    with_cuda = detect(use_cache=False)
    monkeypatch.setenv(nvidia.FORCE_CUDA, "12.4")
    assert detect(use_cache=False) != with_cuda  # the memo is keyed by the forced value


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG layout is Linux-only")
def test_cache_dir_matches_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == platformdirs.user_cache_dir("wheel-variants", appauthor=False)
    assert cache.cache_dir({cache.CACHE_ENV: "/x"}) == "/x"
