"""Acceptance: one ``pdm.lock`` for a mixed-hardware team, through the real ``pdm`` CLI.

``teamlib`` 1.0 is published on four per-backend indexes (same filename, different contents;
the module reports its backend). Four targets are declared; the lock is made on a machine that
fits none of them, then each forced machine installs its own file without re-resolving.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import tomlkit

from indexserver import IndexServer
from pdmtools import PdmRunner
from wheelmaker import make_wheel

pytestmark = pytest.mark.slow

VARIANTS = {
    "cu128": '["nvidia :: cuda_version_lower_bound :: 12.8", "nvidia :: sm_arch :: 90_real"]',
    "cu118": '["nvidia :: cuda_version_lower_bound :: 11.8"]',
    "cpu_v3": '["x86_64 :: level :: v3"]',
    "metal": '["apple :: metal :: on"]',
}
PYPROJECT = """\
[project]
name = "app"
version = "0"
requires-python = ">=3.10"
dependencies = ["teamlib", "plainlib"]

[tool.pdm]
distribution = false

{variants}
[tool.wheel-variants.targets.alice]  # provider inputs: a CUDA 12.8 driver with an H100 (sm 9.0)
cuda-driver = "12.8"
sm-arch = "9.0"
x86-64-level = "v4"

[tool.wheel-variants.targets.legacy]
nvidia = {{ cuda_version_lower_bound = ["11.8"] }}

[tool.wheel-variants.targets.ci]
file = "targets/ci.json"

[tool.wheel-variants.targets.bob]
platform = "macos_arm64"
apple = {{ metal = ["on"] }}
"""
MACHINES = {"alice": "cu128", "legacy": "cu118", "ci": "cpu_v3", "bob": "metal"}
WHEEL = "teamlib-1.0-py3-none-any.whl"


@pytest.fixture
def team(index_server: IndexServer, tmp_path: Path) -> PdmRunner:
    for label in VARIANTS:
        files = {"teamlib/__init__.py": f'BACKEND = "{label}"\n'}
        index_server.add(f"team/{label}", make_wheel(tmp_path / "dist" / label, "teamlib", "1.0", files=files))
    index_server.add("simple", make_wheel(tmp_path / "dist" / "pypi", "plainlib", "1.0"))
    runner = PdmRunner(tmp_path / "pdm", pypi_url=index_server.index_url("simple"))
    variants = "".join(
        f"[tool.wheel-variants.packages.teamlib.variants.{label}]\n"
        f'index = "{index_server.index_url("team/" + label)}"\nproperties = {properties}\n\n'
        for label, properties in VARIANTS.items()
    )
    (runner.project / "pyproject.toml").write_text(PYPROJECT.format(variants=variants))
    # What a teammate commits from `wheel-variants detect --json` on the CI box (short form).
    (runner.project / "targets").mkdir()
    (runner.project / "targets" / "ci.json").write_text(json.dumps({"x86_64": {"level": ["v3", "v2", "v1"]}}))
    runner.create_venv()
    return runner


def test_one_lock_serves_every_target_and_refuses_a_machine_it_does_not_fit(team: PdmRunner) -> None:
    # Locked on a machine that supports none of the variants: no hardware needed to lock.
    team.pdm("lock", env=team.machine("bare", {}))
    lock = tomlkit.parse((team.project / "pdm.lock").read_text()).unwrap()
    table = lock["metadata"]["wheel-variants"]
    assert {name: body["packages"]["teamlib"] for name, body in table["targets"].items()} == MACHINES
    assert sorted(table["packages"]["teamlib"]["variants"]) == sorted(VARIANTS)
    (teamlib,) = [p for p in lock["package"] if p["name"] == "teamlib"]
    assert len(teamlib["files"]) == 4  # one file per backend, all named teamlib-1.0-py3-none-any.whl
    lock_bytes = (team.project / "pdm.lock").read_bytes()

    for target, label in MACHINES.items():
        result = team.pdm("sync", env={"WHEEL_VARIANTS_TARGET": target})
        assert team.run_python("import teamlib; print(teamlib.BACKEND)") == label
        assert f"matches target {target}" in result.stderr

    # A fifth machine (x86-64-v2, no GPU) fits nothing in the lock: a clear error, nothing changed.
    result = team.pdm("sync", env=team.machine("old-cpu", {"x86_64": {"level": ["v2", "v1"]}}), check=False)
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert "no locked file of teamlib fits this machine" in message
    assert "x86_64 :: level :: v2" in message
    assert "pdm variants add-target" in message
    assert "Traceback" not in message
    assert team.run_python("import teamlib; print(teamlib.BACKEND)") == "metal"
    assert (team.project / "pdm.lock").read_bytes() == lock_bytes


def test_show_lists_the_targets_and_add_target_declares_this_machine(team: PdmRunner) -> None:
    team.pdm("lock", env={"WHEEL_VARIANTS_TARGET": "legacy"})
    report = json.loads(team.pdm("variants", "show", "--json", env={"WHEEL_VARIANTS_TARGET": "bob"}).stdout)
    targets = report["locked"]["targets"]
    assert {name: body["matches"] for name, body in targets.items()} == {
        "alice": False,
        "bob": True,
        "ci": False,
        "legacy": False,
    }
    assert report["locked"]["packages"]["teamlib"]["chosen"] == "metal"
    # Per target the file it gets: one filename for all four, told apart by hash and index.
    lock = tomlkit.parse((team.project / "pdm.lock").read_text()).unwrap()
    recorded = lock["metadata"]["wheel-variants"]["packages"]["teamlib"]["variants"]
    for target, label in MACHINES.items():
        installs = targets[target]["installs"]["teamlib"]
        assert installs["label"] == label
        assert installs["index"] == recorded[label]["index"]
        assert installs["index"].endswith(f"/team/{label}")
        assert installs["files"] == [{"file": WHEEL, "hash": hash_} for hash_ in recorded[label]["files"]]
        assert installs["dependencies"] is None
        assert (installs["added"], installs["dropped"]) == ([], [])
    assert len({targets[t]["installs"]["teamlib"]["files"][0]["hash"] for t in MACHINES}) == 4
    text = team.pdm("variants", "show", env={"WHEEL_VARIANTS_TARGET": "bob"}).stdout
    assert "bob: teamlib=metal  <- this machine" in text
    lines = text.splitlines()
    for target, label in MACHINES.items():
        algorithm, _, digest = recorded[label]["files"][0].partition(":")
        header = lines.index(next(line for line in lines if line.startswith(f"  {target}: teamlib={label}")))
        assert lines[header + 1] == f"    teamlib: {WHEEL} ({algorithm}:{digest[:12]})"

    # A new teammate adds their machine; the next lock covers it.
    new_machine = team.machine("dana", {"nvidia": {"cuda_version_lower_bound": ["11.8"]}})
    team.pdm("variants", "add-target", "dana", env=new_machine)
    assert (team.project / "variant-targets" / "dana.json").exists()
    team.pdm("lock")
    lock = tomlkit.parse((team.project / "pdm.lock").read_text()).unwrap()
    assert lock["metadata"]["wheel-variants"]["targets"]["dana"]["packages"] == {"teamlib": "cu118"}
    result = team.pdm("variants", "add-target", "dana", env=new_machine, check=False)
    assert result.returncode != 0
    assert "already declared" in result.stderr
